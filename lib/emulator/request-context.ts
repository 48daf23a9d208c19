import * as http from 'http';
import { Credential } from './auth';
import { Clock } from './clock';
import { RateLimiter, rateHeaders, RateState, UNAUTHENTICATED_LIMIT } from './ratelimit';

export const DOCS_URL = 'https://docs.github.com/rest';
const MAX_BODY_BYTES = 1024 * 1024;
const GHES_VERSION = '3.19.0';

/** A failure that becomes a GitHub-style JSON error answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What every handler needs from the emulator to answer (implemented by `EmulatorCore`). */
export interface AnswerContext {
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly hostPort: string;
}

/** One request: its parsed URL, who asked, and a writer that adds GitHub's headers to every answer. */
export class Ctx {
  status = 0;
  credential?: Credential;
  rateBucket: string;
  rateLimit = UNAUTHENTICATED_LIMIT;
  rate?: RateState;
  acceptedScopes?: string;
  /** Headers of this answer (Link, X-Accepted-GitHub-Permissions, ...). */
  readonly extra: Record<string, string> = {};
  /** Headers a fault adds; they win over everything else. */
  faultHeaders: Record<string, string> = {};
  /** Told the status as the answer starts (the request log records it). */
  onAnswer?: (status: number) => void;
  private bodyPromise?: Promise<Buffer>;

  constructor(
    readonly core: AnswerContext,
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    readonly method: string,
    /** Path as requested. */
    readonly rawPath: string,
    /** Path without the GHES `/api/v3` prefix. */
    readonly path: string,
    /** `''` or `/api/v3`. */
    readonly prefix: string,
    readonly query: URLSearchParams,
    readonly requestId: string,
  ) {
    this.rateBucket = `ip:${req.socket.remoteAddress ?? 'unknown'}`;
  }

  get origin(): string {
    const host = this.req.headers.host;
    return `http://${host && /^[A-Za-z0-9.[\]:-]+$/.test(host) ? host : this.core.hostPort}`;
  }

  /** The API base URL the client used (root or GHES `/api/v3`). */
  get apiBase(): string {
    return this.origin + this.prefix;
  }

  body(): Promise<Buffer> {
    if (!this.bodyPromise) {
      this.bodyPromise = new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        this.req.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) reject(new HttpError(413, 'Payload too large'));
          else chunks.push(c);
        });
        this.req.on('end', () => resolve(Buffer.concat(chunks)));
        this.req.on('error', reject);
      });
    }
    return this.bodyPromise;
  }

  /** The JSON body, `undefined` when empty; 400 "Problems parsing JSON" like GitHub otherwise. */
  async json(): Promise<unknown> {
    const text = (await this.body()).toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'Problems parsing JSON');
    }
  }

  send(status: number, body?: unknown): void {
    if (status === 204 || body === undefined) this.write(status, '', undefined);
    else this.write(status, JSON.stringify(body), 'application/json; charset=utf-8');
  }

  error(status: number, message: string, extra: Record<string, unknown> = {}): void {
    this.send(status, { message, documentation_url: DOCS_URL, ...extra, status: String(status) });
  }

  notFound(): void {
    this.error(404, 'Not Found');
  }

  text(status: number, text: string): void {
    this.write(status, text, 'text/plain; charset=utf-8');
  }

  write(status: number, body: string | Buffer, contentType: string | undefined): void {
    if (this.res.headersSent || this.res.destroyed) return;
    this.status = status;
    this.onAnswer?.(status);
    const headers: Record<string, string> = {
      date: new Date(this.core.clock.now()).toUTCString(),
      'x-github-request-id': this.requestId,
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      ...rateHeaders(this.rate ?? this.core.limiter.peek(this.rateBucket, this.rateLimit)),
    };
    if (contentType) headers['content-type'] = contentType;
    if (this.prefix) headers['x-github-enterprise-version'] = GHES_VERSION;
    if (this.credential?.kind === 'classic') headers['x-oauth-scopes'] = this.credential.scopes.join(', ');
    if (this.acceptedScopes !== undefined) headers['x-accepted-oauth-scopes'] = this.acceptedScopes;
    for (const [k, v] of Object.entries({ ...this.extra, ...this.faultHeaders })) headers[k.toLowerCase()] = v;
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    headers['content-length'] = String(payload.length);
    this.res.writeHead(status, headers);
    this.res.end(this.method === 'HEAD' ? undefined : payload);
  }

  /** A page of `items` per GitHub's `per_page` (default 30, max 100) and `page`, with its Link header. */
  paginate<T>(items: readonly T[]): T[] {
    const perPage = clampInt(this.query.get('per_page'), 30, 1, 100);
    const page = clampInt(this.query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      // GitHub's order: the caller's other parameters, then per_page and page.
      const q = new URLSearchParams([...this.query].filter(([k]) => k !== 'per_page' && k !== 'page'));
      q.append('per_page', String(perPage));
      q.append('page', String(p));
      return `<${this.apiBase}${this.path}?${q.toString()}>; rel="${rel}"`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) rels.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) rels.push(link(1, 'first'));
    if (rels.length > 0) this.extra.link = rels.join(', ');
    return items.slice((page - 1) * perPage, page * perPage);
  }
}

/** GitHub ignores unusable numbers and clamps `per_page` to 100. */
function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  const n = Number(raw);
  if (n < min) return fallback;
  return Math.min(n, max);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Query string for the request log, with the values of token-like parameters blanked. */
export function redactQuery(search: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of search) out.append(k, /token|secret|key|sig|auth|password|jwt/i.test(k) ? 'REDACTED' : v);
  return out.toString();
}
