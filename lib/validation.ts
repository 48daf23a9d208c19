import { Fn, Token } from './cdktf';
import { RUNNER_ARCH, RUNNER_OS } from './contract';
import { ARCH_ALIASES, OS_ALIASES, aliasList, canonicalName, isLoopbackHost, runnerNameProblem } from './shared-checks';

export { MAX_JIT_BASE_NAME } from './shared-checks';

/**
 * Synth-time checks. Each throws one lowercase line saying what is wrong and what to do.
 * Values that are unresolved Terraform tokens are skipped here and checked by the runtime.
 */

function literal(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

// GitHub logins: 1-39 alphanumerics or single hyphens, not at either end.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const ENTERPRISE_SLUG = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,99}$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._:+=@/-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN_SHAPED = /^(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_)|^[A-Za-z0-9_]{36,}$/;

export function validateEnterprise(slug: string): void {
  if (literal(slug) && !ENTERPRISE_SLUG.test(slug)) {
    throw new Error(`invalid enterprise slug "${slug}": use the lowercase slug from the enterprise URL (letters, digits, single hyphens) or the enterprise's numeric id`);
  }
}

export function validateLogin(value: string, what: 'organization' | 'owner'): void {
  if (literal(value) && !LOGIN.test(value)) {
    throw new Error(`invalid ${what} name "${value}": GitHub names have 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen`);
  }
}

export function validateRepository(name: string): void {
  if (literal(name) && (!REPOSITORY.test(name) || name === '.' || name === '..')) {
    throw new Error(`invalid repository name "${name}": use 1 to 100 letters, digits, '.', '-' or '_'`);
  }
}

export function validateRunnerName(name: string, jit: boolean): void {
  if (!literal(name)) return;
  const problem = runnerNameProblem(name, jit);
  if (problem) throw new Error(problem);
}

export function validateLabels(labels: string[] | undefined, what = 'labels'): void {
  if (labels === undefined || Token.isUnresolved(labels)) return;
  if (labels.length < 1 || labels.length > 100) {
    throw new Error(`${what} must hold 1 to 100 labels, got ${labels.length}`);
  }
  const seen = new Set<string>();
  for (const label of labels) {
    if (!literal(label)) continue;
    if (!LABEL.test(label)) {
      throw new Error(`invalid label "${label}": labels have 1 to 100 characters, start with a letter or digit and use letters, digits or . _ : + = @ / -`);
    }
    const key = label.toLowerCase();
    if (seen.has(key)) throw new Error(`duplicate label "${label}": labels are case-insensitive, list each once`);
    seen.add(key);
  }
}

export function validateCredentialEnv(name: string | undefined): void {
  if (!literal(name)) return;
  if (TOKEN_SHAPED.test(name)) {
    throw new Error('credentialEnv looks like a credential: pass the NAME of the environment variable that holds it (for example GITHUB_TOKEN), never the token itself');
  }
  if (!ENV_NAME.test(name)) {
    throw new Error(`invalid credentialEnv "${name}": use an environment variable name such as GITHUB_TOKEN (letters, digits, underscores)`);
  }
}

export function validateApiUrl(url: string | undefined): void {
  if (!literal(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid apiUrl "${url}": use https://api.github.com, https://HOST/api/v3 (GitHub Enterprise Server) or https://api.SUBDOMAIN.ghe.com`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new Error('apiUrl must not contain credentials (user:password@): give the NAME of the environment variable holding the token in credentialEnv');
  }
  if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(url)) {
    throw new Error(`apiUrl "${url}" has a query or fragment: use the bare API base URL, such as https://HOST/api/v3`);
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return;
  throw new Error(`apiUrl "${url}" is not https: use an https:// URL; plain http is allowed only for loopback addresses: a literal 127.x.x.x or ::1, or localhost`);
}


export function validatePositive(value: number | undefined, what: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${what} must be a positive whole number of seconds, got ${value}`);
  }
}

/** Comma-joined list: plain text when every element is literal, a Terraform join() otherwise. */
export function joinList(values: string[]): string {
  return Token.isUnresolved(values) || values.some((v) => Token.isUnresolved(v)) ? Fn.join(',', values) : values.join(',');
}

function normalizePlatform(value: string, aliases: Readonly<Record<string, string>>, what: string, canonical: readonly string[]): string {
  if (Token.isUnresolved(value)) return value;
  const found = canonicalName(value, aliases);
  if (found === undefined) {
    throw new Error(`unknown ${what} "${value}": use one of ${canonical.join(', ')} (or ${aliasList(aliases)})`);
  }
  return found;
}

/** GitHub's OS name (linux, osx, win) for any accepted spelling. */
export function normalizeOs(os: string): string {
  return normalizePlatform(os, OS_ALIASES, 'operating system', RUNNER_OS);
}

/** GitHub's architecture name (x64, arm, arm64) for any accepted spelling. */
export function normalizeArch(arch: string): string {
  return normalizePlatform(arch, ARCH_ALIASES, 'architecture', RUNNER_ARCH);
}
