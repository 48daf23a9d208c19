import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { ApiConnection, parseApiUrl } from './api-connection';
import { FetchInit, MiniResponse, nodeFetch, ResponseTooLargeError } from './node-fetch';
import { RuntimeEnv } from '../contract';
import { Credential, describeCredential, resolveCredential } from './credentials';
import { ErrorContext, explainRequestError, Subject } from './error-messages';
import { findCause, TransportError, UserError } from './errors';
import { redactor, stderrLine } from './redact';
import { Scope, scopeLabel, scopeParams } from './github-scope';
import { readSettings, Settings } from './settings';
import { RUNTIME_VERSION } from './version';

/**
 * The one way this program talks to GitHub: octokit.request with
 * - @octokit/plugin-throttling: waits out primary (x-ratelimit-reset) and secondary (retry-after)
 *   rate limits, but only while the wait ends inside the retry budget; it also spaces writes
 *   (POST/PUT/DELETE) at least 1 s apart, as GitHub asks of integrations;
 * - @octokit/plugin-retry: retries 5xx, resets and timeouts with its (n+1)^2 s backoff; it has no
 *   notion of total time, so the budget plugin below caps its retry count per failure;
 * - a fetch that bounds every attempt (body included) with AbortSignal.timeout and writes the
 *   debug line.
 * The budget is one deadline for the whole process: no request starts after it, so the total
 * time is at most the budget plus one request timeout.
 */
export interface Api {
  readonly scope: Scope;
  readonly connection: ApiConnection;
  readonly credential: Credential;
  readonly settings: Settings;
  /** One request; failures become a UserError with a one-line explanation. */
  call<T>(route: string, params?: Record<string, unknown>, subject?: Subject): Promise<T>;
  /** All pages of a list endpoint (per_page=100) that answers `{ total_count, <key>: [...] }`. */
  paginate<T>(route: string, key: string, params?: Record<string, unknown>, subject?: Subject): Promise<T[]>;
  context(subject?: Subject): ErrorContext;
}

export interface ConnectOptions {
  readonly scope: Scope;
  readonly apiUrl?: string;
  readonly credentialEnv?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** plugin-retry's delay is (retryCount + 1)^2 times this. */
const RETRY_BASE_MS = 1000;
/** Pages one listing may walk (100,000 runners); beyond, it fails rather than answer part of the list. */
export const MAX_PAGES = 1000;

interface RequestState {
  retries?: number;
  retryCount?: number;
  attempts?: number;
}

export async function connect(o: ConnectOptions): Promise<Api> {
  const settings = readSettings(o.env);
  const connection = parseApiUrl(o.apiUrl);
  const credential = resolveCredential(o.env, o.credentialEnv);
  const deadline = Date.now() + settings.retryBudget * 1000;
  const withinBudget = (waitMs: number) => Date.now() + waitMs <= deadline;

  const debug = (line: string) => {
    if (settings.debug) stderrLine(`debug ${line}`);
  };

  // Innermost hook, so it sees every failed attempt before plugin-retry decides. It tells
  // plugin-retry (through options.request.retries, which plugin-retry reads on each failure)
  // whether one more attempt fits in the budget; rate limits are left to plugin-throttling.
  const budgetPlugin = (octokit: Octokit) => {
    octokit.hook.error('request', (error: unknown, options: object) => {
      const o = options as { request?: RequestState };
      const state = (o.request ??= {});
      const count = state.retryCount ?? 0;
      const e = error as { status?: number; response?: { headers: Record<string, string> }; attempts?: number };
      const transient = !tooLarge(error) && ((e.status ?? 0) >= 500 || (e.status === 429 && !rateLimitAnswer(e)) || e.status === 408);
      // 0, not count, for the rest: after the throttling plugin retried, count is its count, and
      // plugin-retry would otherwise retry a 403 or 404 at once.
      state.retries = transient && withinBudget((count + 1) ** 2 * RETRY_BASE_MS) ? count + 1 : 0;
      // Counted here rather than from retryCount, which the throttling plugin updates late.
      state.attempts = (state.attempts ?? 0) + 1;
      e.attempts = state.attempts;
      throw error;
    });
    return {};
  };

  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount = 0) => {
      // A reset already past (a skewed clock) asks for no wait at all: retrying at once, again and
      // again, would hammer GitHub until the budget ends, so that gets three tries.
      const ok = withinBudget(retryAfter * 1000) && (retryAfter > 0 || retryCount < 3);
      debug(
        `${options.method} ${options.url} ${kind} rate limit: ${ok ? `waiting ${retryAfter} s` : `wait of ${retryAfter} s exceeds the budget`}`,
      );
      return ok;
    };

  const ApiOctokit = Octokit.plugin(budgetPlugin, retry, throttling);
  const quietLog = {
    debug: () => {},
    info: () => {},
    warn: (m: string) => debug(`octokit: ${m}`),
    error: (m: string) => debug(`octokit: ${m}`),
  };
  const common = {
    baseUrl: connection.apiUrl,
    userAgent: `cdktf-github-runners/${RUNTIME_VERSION}`,
    request: { fetch: timedFetch(settings, debug) },
    log: quietLog,
    retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451], retryAfterBaseValue: RETRY_BASE_MS },
    throttle: {
      id: `cdktf-github-runners-${process.pid}`,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  };
  // Loaded only for App credentials: a token run skips initializing auth-app and its dependencies.
  const createAppAuth = credential.app ? (await import('@octokit/auth-app')).createAppAuth : undefined;
  const octokit = credential.app
    ? new ApiOctokit({
        ...common,
        authStrategy: createAppAuth,
        auth: { appId: credential.app.appId, privateKey: credential.app.privateKey, installationId: Number(credential.app.installationId) },
      })
    : new ApiOctokit({ ...common, auth: credential.token });

  const label = scopeLabel(o.scope);
  const credentialText = describeCredential(credential);
  const context = (subject?: Subject): ErrorContext => ({
    scope: o.scope,
    scopeLabel: label,
    credential,
    credentialText,
    settings,
    subject,
  });

  if (credential.app) {
    // Mint the installation token now, so the redactor knows it before any line is written.
    try {
      const auth = (await octokit.auth({ type: 'installation' })) as { token: string };
      redactor.add(auth.token);
    } catch (err) {
      if ((err as { request?: unknown }).request === undefined) {
        throw new UserError(
          `GitHub App ${credential.app.appId}: cannot sign a JWT with the private key (${(err as Error).message}): check GITHUB_APP_PRIVATE_KEY`,
        );
      }
      throw new UserError(explainRequestError(err, context()));
    }
  }

  const params = scopeParams(o.scope);
  let calls = 0;
  const call = async <T>(route: string, extra?: Record<string, unknown>, subject?: Subject): Promise<T> => {
    // The budget bounds the whole run, slow successful pages included: a run takes at most the
    // budget plus one request timeout (the first request always goes out).
    if (calls++ > 0 && Date.now() > deadline) {
      throw new UserError(
        `this run used up its time budget (${RuntimeEnv.RETRY_BUDGET}=${settings.retryBudget} s) after ${calls - 1} request${calls === 2 ? '' : 's'} to ${connection.apiUrl}: ` +
          `GitHub is answering slowly; retry later or raise ${RuntimeEnv.RETRY_BUDGET}`,
      );
    }
    let res: { status: number; data: unknown; headers: Record<string, unknown> };
    try {
      res = await octokit.request(route, { ...params, ...extra, headers: { 'x-github-api-version': '2022-11-28' } });
    } catch (err) {
      if (err instanceof UserError) throw err;
      const big = tooLarge(err);
      if (big) throw new UserError(big.message);
      const status = (err as { response?: unknown; status?: number }).response ? (err as { status?: number }).status : undefined;
      throw new UserError(explainRequestError(err, context(subject)), status, (err as { attempts?: number }).attempts);
    }
    if (res.status === 204) return undefined as T;
    let data = res.data;
    if (typeof data === 'string') {
      // @octokit/request hands back the raw text when the body is not JSON.
      try {
        data = JSON.parse(data);
      } catch {
        data = undefined;
      }
    }
    if (data === null || typeof data !== 'object') {
      const type = String(res.headers['content-type'] ?? 'no content-type');
      throw new UserError(
        `GitHub answered ${route.split(' ')[0]} ${renderPath(route, { ...params, ...extra })} with ${res.status} but a body that is not JSON (${type}): ` +
          'check that api_url is the REST API base URL (GHES: https://HOST/api/v3), or retry if a proxy truncated the answer',
      );
    }
    return data as T;
  };

  const paginate = async <T>(route: string, key: string, extra?: Record<string, unknown>, subject?: Subject): Promise<T[]> => {
    const all: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const data = await call<Record<string, unknown>>(route, { ...extra, per_page: 100, page }, subject);
      const items = data[key];
      if (!Array.isArray(items)) {
        throw new UserError(
          `GitHub answered ${renderPath(route, { ...params, ...extra })} without a "${key}" list: check that api_url is the REST API base URL`,
        );
      }
      all.push(...(items as T[]));
      const total = typeof data.total_count === 'number' ? data.total_count : undefined;
      if (items.length < 100 || (total !== undefined && all.length >= total)) return all;
    }
    throw new UserError(
      `GitHub answered more than ${MAX_PAGES} pages of 100 for ${renderPath(route, { ...params, ...extra })}: ` +
        'this program stops there rather than act on part of the list; narrow the scope or remove what it no longer needs',
    );
  };

  return { scope: o.scope, connection, credential, settings, call, paginate, context };
}

/** The ResponseTooLargeError behind an error (octokit wraps what fetch throws as a 500 with a cause). */
const tooLarge = (e: unknown) => findCause(e, ResponseTooLargeError);

function rateLimitAnswer(e: { response?: { headers: Record<string, string> } }): boolean {
  const h = e.response?.headers ?? {};
  return h['x-ratelimit-remaining'] === '0' || h['retry-after'] !== undefined;
}

/** `GET /orgs/{org}/actions/runners` with params -> `/orgs/octo-org/actions/runners`. */
export function renderPath(route: string, params: Record<string, unknown>): string {
  const path = route.includes(' ') ? route.slice(route.indexOf(' ') + 1) : route;
  return path.replace(/\{([^}]+)\}/g, (_m, k: string) => encodeURIComponent(String(params[k] ?? `{${k}}`)));
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/**
 * The fetch octokit uses: node's http/https (see node-fetch.ts) with a timeout covering the whole
 * answer, body included. Failures without an answer become a TransportError, which
 * @octokit/request wraps as a status-500 RequestError, so plugin-retry retries it.
 */
function timedFetch(settings: Settings, debug: (line: string) => void): typeof fetch {
  const f = async (input: string | URL, init?: FetchInit): Promise<MiniResponse> => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const started = Date.now();
    const timeout = AbortSignal.timeout(settings.requestTimeout * 1000);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const res = await nodeFetch(url, { ...init, signal });
      debug(`${method} ${pathOf(url)} ${res.status} ${Date.now() - started}ms`);
      return res;
    } catch (e) {
      if (e instanceof ResponseTooLargeError) {
        debug(`${method} ${pathOf(url)} too large ${Date.now() - started}ms`);
        throw e;
      }
      const error = timeout.aborted
        ? new TransportError('timeout', `${settings.requestTimeout} s`)
        : new TransportError('connection', connectionDetail(e, url));
      debug(`${method} ${pathOf(url)} ${error.kind === 'timeout' ? 'timeout' : 'error'} ${Date.now() - started}ms`);
      throw error;
    }
  };
  return f as unknown as typeof fetch;
}

function connectionDetail(e: unknown, url: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep url
  }
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return `${code} from ${host}`;
    cur = (cur as { cause?: unknown }).cause;
  }
  return `${(e as Error)?.message ?? String(e)} from ${host}`;
}
