// One line for each way a GitHub request fails: what is wrong and what to do.

import type { Credential } from './credentials';
import { findCause, TransportError, UserError } from './errors';
import type { Scope } from './github-scope';
import type { Settings } from './settings';

/** What a request was about, so a 404 or 422 can say which runner, label or group. */
export interface Subject {
  readonly runner?: string;
  readonly label?: string;
  readonly jitRunner?: string;
  readonly action?: string;
}

export interface ErrorContext {
  readonly scope: Scope;
  readonly scopeLabel: string;
  readonly credential: Credential;
  readonly credentialText: string;
  readonly settings: Settings;
  readonly subject?: Subject;
}

/** The parts of an @octokit/request-error RequestError this module reads. */
interface HttpErrorLike {
  status?: number;
  message?: string;
  cause?: unknown;
  attempts?: number;
  request?: { method?: string; url?: string };
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown };
}

const PERMISSIONS: Record<Scope['kind'], { classic: string; fine: string }> = {
  repo: {
    classic: 'the "repo" scope ("public_repo" for a public repository, where GitHub Enterprise Server accepts it)',
    fine: 'the repository permission "Administration: read and write" (administration)',
  },
  org: {
    classic: 'the "admin:org" scope',
    fine: 'the organization permission "Self-hosted runners: read and write" (organization_self_hosted_runners)',
  },
  enterprise: {
    classic: 'the "manage_runners:enterprise" or "admin:enterprise" scope',
    fine: 'a classic token with "manage_runners:enterprise" or "admin:enterprise"',
  },
};

const ENTERPRISE_NEEDS_CLASSIC =
  'enterprise runner endpoints accept only a classic personal access token with the "manage_runners:enterprise" or "admin:enterprise" scope ' +
  '(GitHub Apps and fine-grained tokens are refused): set GITHUB_TOKEN (or credential_env) to such a token';

function requestLine(e: HttpErrorLike): string {
  const method = e.request?.method ?? 'GET';
  let path = e.request?.url ?? '';
  try {
    const u = new URL(path);
    path = u.pathname;
  } catch {
    // already a path
  }
  return `${method} ${path}`;
}

/** GitHub's own explanation (`message` of the JSON body), short and on one line. */
function githubMessage(e: HttpErrorLike): string {
  const data = e.response?.data;
  let msg = '';
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    msg = (data as { message: string }).message;
    const errors = (data as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const details = errors.map((x) => (typeof x === 'string' ? x : ((x as { message?: string }).message ?? ''))).filter((x) => x !== '');
      if (details.length > 0) msg += ` (${details.join('; ')})`;
    }
  } else if (typeof data === 'string') {
    msg = data;
  }
  msg = msg.replace(/\s+/g, ' ').trim();
  return msg.length > 200 ? `${msg.slice(0, 200)}...` : msg;
}

function statusText(e: HttpErrorLike): string {
  const m = githubMessage(e);
  return m === '' ? `${e.status}` : `${e.status} "${m}"`;
}

function header(e: HttpErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined || v === '' ? undefined : String(v);
}

export function isRateLimit(e: HttpErrorLike): 'primary' | 'secondary' | undefined {
  if (e.status !== 403 && e.status !== 429) return undefined;
  if (header(e, 'x-ratelimit-remaining') === '0') return 'primary';
  if (/\bsecondary rate\b/i.test(githubMessage(e)) || /rate limit/i.test(githubMessage(e)) || header(e, 'retry-after') !== undefined)
    return 'secondary';
  return undefined;
}

function budgetText(s: Settings): string {
  return `the retry budget of ${s.retryBudget} s (CDKTF_GITHUB_RUNNERS_RETRY_BUDGET)`;
}

function attemptsText(e: HttpErrorLike): string {
  const n = e.attempts ?? 1;
  return n === 1 ? '1 attempt' : `${n} attempts`;
}

/** Turns any failure of a GitHub request into one line saying what is wrong and what to do. */
export function explainRequestError(err: unknown, ctx: ErrorContext): string {
  if (err instanceof UserError) return err.message;
  const e = (err ?? {}) as HttpErrorLike;
  const req = requestLine(e);
  const subject = ctx.subject ?? {};
  const runnerIn = subject.runner !== undefined ? `runner ${subject.runner} in ${ctx.scopeLabel}` : ctx.scopeLabel;

  if (!e.response) {
    const t = findCause(err, TransportError);
    if (t?.kind === 'timeout') {
      return `${req} timed out after ${ctx.settings.requestTimeout} s (CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT), ${attemptsText(e)} within ${budgetText(ctx.settings)}: check the network path to the API or raise the timeout`;
    }
    if (t) {
      return `cannot reach the GitHub API for ${req} (${t.detail}), ${attemptsText(e)} within ${budgetText(ctx.settings)}: check api_url and the network`;
    }
    const msg = err instanceof Error ? err.message : String(err);
    return `${req} failed: ${msg}`;
  }

  const status = e.status ?? e.response.status;
  const isAppTokenExchange = /\/app\/installations\/[^/]+\/access_tokens$/.test(req);

  if (isAppTokenExchange && ctx.credential.app) {
    const app = ctx.credential.app;
    if (status === 404) {
      return `GitHub App ${app.appId} has no installation ${app.installationId} (404): check GITHUB_APP_INSTALLATION_ID (the number in the installation's settings URL)`;
    }
    if (status === 401 || status === 403) {
      return `GitHub App ${app.appId} could not authenticate (${statusText(e)}): check GITHUB_APP_ID and that the private key belongs to this App and is not revoked`;
    }
  }

  if (status === 401) {
    return `GitHub rejected the ${ctx.credentialText} as invalid, expired or revoked (${statusText(e)} on ${req}): set ${credentialVars(ctx.credential)} to a valid credential`;
  }

  const limit = isRateLimit(e);
  if (limit === 'primary') {
    const reset = Number(header(e, 'x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? resetText(reset) : 'at an unknown time';
    if (Number.isFinite(reset) && reset > 0 && reset * 1000 <= Date.now()) {
      return `GitHub rate limit exhausted for the ${ctx.credentialText} (${req}); its reset time ${isoSeconds(reset)} has passed, yet GitHub still refuses, ${attemptsText(e)}: check this machine's clock (NTP), or retry later`;
    }
    return `GitHub rate limit exhausted for the ${ctx.credentialText} (${req}); it resets ${when}, beyond ${budgetText(ctx.settings)}: retry after the reset or raise the budget`;
  }
  if (limit === 'secondary') {
    const after = header(e, 'retry-after');
    const wait = after !== undefined ? `GitHub asks to wait ${after} s` : 'GitHub gave no retry-after';
    return `GitHub secondary rate limit on ${req} (${e.status}); ${wait}, beyond ${budgetText(ctx.settings)}: retry later, make fewer concurrent calls, or raise the budget`;
  }

  if (status === 403) {
    if (ctx.scope.kind === 'enterprise' && isNotClassic(ctx.credential)) {
      return `the ${ctx.credentialText} was refused by ${ctx.scopeLabel} (${statusText(e)}): ${ENTERPRISE_NEEDS_CLASSIC}`;
    }
    return `the ${ctx.credentialText} lacks the permission ${req} needs in ${ctx.scopeLabel} (${statusText(e)}): ${permissionHint(e, ctx)}`;
  }

  if (status === 404) {
    if (subject.label !== undefined) {
      return `label "${subject.label}" not found on ${runnerIn}, or the runner does not exist (404 on ${req})`;
    }
    if (subject.runner !== undefined) {
      return `runner ${subject.runner} not found in ${ctx.scopeLabel} (404 on ${req}): list the runners with "runners list"`;
    }
    let hint = `check the name, and that the ${ctx.credentialText} can see it`;
    if (ctx.scope.kind === 'enterprise' && isNotClassic(ctx.credential)) hint = ENTERPRISE_NEEDS_CLASSIC;
    return `${ctx.scopeLabel} not found, or not visible to the ${ctx.credentialText} (404 on ${req}; GitHub answers 404 for both): ${hint}`;
  }

  if (status === 409) {
    if (subject.jitRunner !== undefined) {
      return `a runner named "${subject.jitRunner}" already exists in ${ctx.scopeLabel} (409 on ${req}): delete it or choose another name`;
    }
    return `conflict in ${ctx.scopeLabel} (${statusText(e)} on ${req}): the runner was changed concurrently; retry`;
  }

  if (status === 422) {
    if (e.request?.method === 'DELETE' && subject.runner !== undefined && subject.label === undefined) {
      return `${runnerIn} is busy running a job (${statusText(e)}): wait for the job to finish, or give delete-runner a longer --busy-timeout`;
    }
    if (subject.jitRunner !== undefined) {
      return `GitHub refused the JIT configuration for runner "${subject.jitRunner}" in ${ctx.scopeLabel} (${statusText(e)}): check its labels (1 to 100), runner group and work folder`;
    }
    return `GitHub refused ${req} for ${runnerIn} (${statusText(e)}): check the arguments`;
  }

  if (status >= 500) {
    return `GitHub answered ${statusText(e)} to ${req}, ${attemptsText(e)} within ${budgetText(ctx.settings)}: GitHub may be degraded (https://www.githubstatus.com); retry later`;
  }

  return `GitHub answered ${statusText(e)} to ${req} for ${ctx.scopeLabel}`;
}

function isNotClassic(c: Credential): boolean {
  return c.kind === 'app' || c.kind === 'installation' || c.kind === 'fine-grained' || c.kind === 'user-to-server';
}

function credentialVars(c: Credential): string {
  if (c.app) return 'GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY';
  return c.source;
}

function permissionHint(e: HttpErrorLike, ctx: ErrorContext): string {
  const scopes = header(e, 'x-accepted-oauth-scopes');
  const perms = header(e, 'x-accepted-github-permissions');
  const p = PERMISSIONS[ctx.scope.kind];
  const kind = ctx.credential.kind;
  let need: string;
  if (kind === 'classic' || kind === 'oauth') need = `grant the token ${p.classic}`;
  else if (kind === 'unknown') need = `a classic token needs ${p.classic}; a fine-grained token or GitHub App needs ${p.fine}`;
  else need = `grant ${p.fine}`;
  const accepted: string[] = [];
  if (scopes !== undefined && (kind === 'classic' || kind === 'oauth' || kind === 'unknown')) accepted.push(`accepted scopes: ${scopes}`);
  if (perms !== undefined && kind !== 'classic' && kind !== 'oauth') accepted.push(`accepted permissions: ${perms}`);
  return accepted.length > 0 ? `${need} (GitHub says ${accepted.join('; ')})` : need;
}

/** `at 2025-01-01T10:00:00Z (in 3600 s)` */
export function resetText(epochSeconds: number): string {
  const inSeconds = Math.max(0, Math.ceil(epochSeconds - Date.now() / 1000));
  return `at ${isoSeconds(epochSeconds)} (in ${inSeconds} s)`;
}

/** `2025-01-01T10:00:00Z` */
function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
