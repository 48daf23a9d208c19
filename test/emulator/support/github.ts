import * as crypto from 'crypto';
import { Emulator } from '../../../lib/emulator';
import { specsFor } from './openapi';

/** Token values are generated at test time so nothing token-shaped is committed. */
export function fakeToken(prefix: 'ghp_' | 'github_pat_' | 'ghs_' = 'ghp_'): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(prefix === 'github_pat_' ? 82 : 36);
  return prefix + [...bytes].map((b) => alnum[b % alnum.length]).join('');
}

export const ALL_CLASSIC_SCOPES = ['repo', 'admin:org', 'manage_runners:enterprise'];

export interface ScopeCase {
  ref: string;
  kind: 'enterprise' | 'org' | 'repo';
  /** REST prefix of the scope. */
  prefix: string;
  /** Path of the URL `config.sh --url` takes. */
  webPath: string;
}

/** The three scopes of the built-in seed (GitHub's documentation names). */
export const SCOPES: ScopeCase[] = [
  {
    ref: 'enterprise:octo-enterprise',
    kind: 'enterprise',
    prefix: '/enterprises/octo-enterprise',
    webPath: '/enterprises/octo-enterprise',
  },
  { ref: 'org:octo-org', kind: 'org', prefix: '/orgs/octo-org', webPath: '/octo-org' },
  { ref: 'repo:octo-org/octo-repo', kind: 'repo', prefix: '/repos/octo-org/octo-repo', webPath: '/octo-org/octo-repo' },
];

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface CallOptions {
  /** Sent as `Authorization: token X`. */
  token?: string;
  /** The whole Authorization header (wins over `token`). */
  auth?: string;
  body?: unknown;
  /** Raw request body (e.g. malformed JSON). */
  raw?: string;
}

/**
 * Calls the emulator like a GitHub client. Every REST answer is validated against GitHub's
 * OpenAPI descriptions (GHES 3.19, plus api.github.com or GHEC), so a mismatch fails the test.
 */
export async function call(emu: Emulator | string, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const base = typeof emu === 'string' ? emu : emu.url;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  const auth = opts.auth ?? (opts.token ? `token ${opts.token}` : undefined);
  if (auth) headers.authorization = auth;
  let body: string | undefined = opts.raw;
  if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  if (text !== '') {
    if (!(res.headers.get('content-type') ?? '').includes('json'))
      throw new Error(`${method} ${path}: answer is not JSON: ${text.slice(0, 200)}`);
    parsed = JSON.parse(text);
  }
  if (!path.startsWith('/_emulator/')) {
    for (const s of specsFor(path)) s.validate(method, path, res.status, parsed);
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Creates a registration (or remove) token through the API and returns its value. */
export async function mintToken(
  emu: Emulator,
  token: string,
  scope: ScopeCase,
  kind: 'registration' | 'remove' = 'registration',
): Promise<string> {
  const a = await call(emu, 'POST', `${scope.prefix}/actions/runners/${kind}-token`, { token });
  if (a.status !== 201) throw new Error(`${kind} token: HTTP ${a.status} ${a.text}`);
  return a.body.token;
}
