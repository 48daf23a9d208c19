import * as http from 'http';
import * as https from 'https';

/**
 * A small fetch over node's http/https modules, used by client.ts instead of the global fetch:
 * node 20 loads undici on the first fetch, which costs 100-200 ms, more than the rest of a
 * data-source call. It supports what @octokit/request uses (method, headers, string body,
 * AbortSignal, redirects) and answers a Response-like object with the whole body buffered.
 */

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
  redirect?: 'follow' | 'manual' | 'error';
}

export interface MiniHeaders extends Iterable<[string, string]> {
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface MiniResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly ok: boolean;
  readonly headers: MiniHeaders;
  readonly body: null;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<unknown>;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

const MAX_REDIRECTS = 5;

/**
 * The most bytes one answer may have. A runner API answer is a few KiB to a few MiB (100 runners
 * a page); a bigger one is not GitHub's, and reading it whole would exhaust memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** An answer over {@link MAX_RESPONSE_BYTES}: never retried, never parsed. */
export class ResponseTooLargeError extends Error {
  constructor(readonly where: string) {
    super(
      `the server at ${where} answered more than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, far more than any runner API answer: refusing to read it; check that api_url is GitHub's REST API base URL`,
    );
    this.name = 'ResponseTooLargeError';
  }
}

class Headers implements MiniHeaders {
  private readonly map = new Map<string, string>();
  constructor(raw: http.IncomingHttpHeaders) {
    for (const [k, v] of Object.entries(raw)) {
      if (v !== undefined) this.map.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.map.entries();
  }
}

function response(status: number, statusText: string, url: string, raw: http.IncomingHttpHeaders, body: Buffer): MiniResponse {
  const bytes = () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  return {
    status,
    statusText,
    url,
    ok: status >= 200 && status < 300,
    headers: new Headers(raw),
    body: null,
    text: async () => body.toString('utf8'),
    arrayBuffer: async () => bytes(),
    json: async () => JSON.parse(body.toString('utf8')),
  };
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

function once(url: URL, init: FetchInit): Promise<{ res: http.IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const mod = url.protocol === 'https:' ? https : http;
    const body = init.body ?? undefined;
    const headers: Record<string, string> = { ...init.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = mod.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] });
    const onAbort = () => req.destroy(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const done = (err?: Error, value?: { res: http.IncomingMessage; body: Buffer }) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value as { res: http.IncomingMessage; body: Buffer });
    };
    req.on('error', (e) => done(e));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      const tooLarge = () => {
        done(new ResponseTooLargeError(`${url.origin}${url.pathname}`));
        req.destroy();
      };
      if (Number(res.headers['content-length'] ?? 0) > MAX_RESPONSE_BYTES) return tooLarge();
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) tooLarge();
        else chunks.push(c);
      });
      res.on('error', (e) => done(e));
      res.on('aborted', () => done(Object.assign(new Error('the server closed the connection mid-answer'), { code: 'ECONNRESET' })));
      res.on('end', () => done(undefined, { res, body: Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

export async function nodeFetch(input: string | URL, init: FetchInit = {}): Promise<MiniResponse> {
  let url = new URL(String(input));
  let current: FetchInit = { ...init, headers: { ...init.headers } };
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
    const { res, body } = await once(url, current);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    const isRedirect = [301, 302, 303, 307, 308].includes(status) && location !== undefined;
    if (!isRedirect || current.redirect === 'manual') {
      return response(status, res.statusMessage ?? '', url.href, res.headers, body);
    }
    if (current.redirect === 'error' || hop >= MAX_REDIRECTS)
      throw new TypeError(`too many redirects (or redirects refused) at ${url.origin}${url.pathname}`);
    const next = new URL(location, url);
    const headers = { ...current.headers };
    // Like fetch: the credential never follows a redirect to another origin.
    if (next.origin !== url.origin) {
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    }
    const keepBody = status === 307 || status === 308;
    const method = keepBody ? current.method : (current.method ?? 'GET').toUpperCase() === 'HEAD' ? 'HEAD' : 'GET';
    if (!keepBody) for (const k of Object.keys(headers)) if (/^content-(type|length)$/i.test(k)) delete headers[k];
    current = { ...current, method, headers, body: keepBody ? current.body : undefined };
    url = next;
  }
}
