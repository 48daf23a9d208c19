import { IConstruct } from 'constructs';
import { Fn, Token } from './cdktf';
import { RUNNER_ARCH, RUNNER_OS } from './contract';
import { ARCH_ALIASES, OS_ALIASES, aliasList, canonicalName, isLoopbackHost, runnerNameProblem } from './shared-checks';

export { MAX_JIT_BASE_NAME } from './shared-checks';

/**
 * Every synth-time check of the constructs' props. Each throws one lowercase line saying what is
 * wrong and what to do; a construct runs its checks through `checkedAt`, which puts its path in
 * front. Values that are unresolved Terraform tokens are skipped here and checked by the runtime.
 */

/** Runs `checks` for `construct`, naming its path in the message of what they throw. */
export function checkedAt<T>(construct: IConstruct, checks: () => T): T {
  try {
    return checks();
  } catch (err) {
    if (!(err instanceof Error) || err.message.startsWith(`${construct.node.path}: `)) throw err;
    throw new Error(`${construct.node.path}: ${err.message}`);
  }
}

/** What a runner's checks read of its props (RunnerOptions, without importing the construct). */
export interface RunnerChecks {
  readonly name: string;
  readonly labels?: string[];
  readonly runnerGroup?: string;
  readonly workFolder?: string;
  readonly ephemeral?: boolean;
  readonly jit?: boolean;
  readonly noDefaultLabels?: boolean;
  readonly onlineTimeout?: number;
  readonly busyTimeout?: number;
  readonly apiUrl?: string;
  readonly credentialEnv?: string;
}

/** A runner's props, at scope `kind` (`enterprise`, `org`, `repo`; `enterprise` its slug or id). */
export function validateRunner(props: RunnerChecks, kind: string, enterprise?: string): void {
  const jit = props.jit ?? false;
  validateConnection(props);
  validateRunnerName(props.name, jit);
  validateLabels(props.labels);
  if (!jit && props.labels && !Token.isUnresolved(props.labels) && props.labels.length > 99) {
    throw new Error(`a registration-token runner takes at most 99 labels, got ${props.labels.length}: the 100th is its ownership marker`);
  }
  validatePositive(props.onlineTimeout, 'onlineTimeout');
  validatePositive(props.busyTimeout, 'busyTimeout');
  if (jit && props.ephemeral === false) throw new Error('jit runners are always ephemeral: remove ephemeral: false or jit: true');
  if (jit && props.noDefaultLabels)
    throw new Error('noDefaultLabels applies to registration tokens only: a jit runner gets exactly its labels');
  if (props.runnerGroup !== undefined && kind === 'repo') {
    throw new Error('runner groups belong to organizations and enterprises: remove runnerGroup from a repository runner');
  }
  if (literal(props.runnerGroup) && !/^[^'"\n\r$%]{1,100}$/.test(props.runnerGroup)) {
    throw new Error(`invalid runnerGroup "${props.runnerGroup}": use the group's name, 1 to 100 characters without quotes, $ or %`);
  }
  if (literal(props.workFolder) && !/^[A-Za-z0-9._/\\:-]{1,200}$/.test(props.workFolder)) {
    throw new Error(`invalid workFolder "${props.workFolder}": use a path of letters, digits and . _ / \\ : -`);
  }
  if (kind === 'enterprise' && enterprise !== undefined) checkEnterpriseRunnerUrl(enterprise, jit);
}

/** GitHub's REST paths take an enterprise's numeric id in place of its slug. */
export function isEnterpriseId(enterprise: string): boolean {
  return !Token.isUnresolved(enterprise) && /^[0-9]+$/.test(enterprise);
}

/**
 * A registration-token runner configures with `config.sh --url https://HOST/enterprises/SLUG`:
 * an id there is not an enterprise URL, and no REST answer tells the slug from the id. A JIT
 * configuration carries its own URL, so a JIT runner may name its enterprise by id.
 */
function checkEnterpriseRunnerUrl(enterprise: string, jit: boolean): void {
  if (jit || !isEnterpriseId(enterprise)) return;
  throw new Error(
    `enterprise "${enterprise}" is an id: a registration-token runner's config.sh --url needs the enterprise slug ` +
      '(https://HOST/enterprises/SLUG), which the REST API does not tell from an id; give the slug, or set jit: true (a JIT configuration carries its own URL)',
  );
}

const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A download's props (hosts already lowercased). */
export function validateDownload(
  props: { version?: string; sha256Checksum?: string; apiUrl?: string; credentialEnv?: string },
  hosts: string[],
): void {
  validateConnection(props);
  if (literal(props.version) && !VERSION.test(props.version)) {
    throw new Error(`invalid runner version "${props.version}": use a release number such as 2.329.0`);
  }
  if (literal(props.sha256Checksum) && !SHA256.test(props.sha256Checksum)) {
    throw new Error("invalid sha256Checksum: use the 64 lowercase hexadecimal characters of the archive's SHA-256");
  }
  for (const h of hosts) {
    if (literal(h) && !HOSTNAME.test(h)) {
      throw new Error(`invalid allowedDownloadHosts entry "${h}": give a host name such as mirror.example.com (no scheme, port or path)`);
    }
  }
}

/** The filters of a runners query. */
export function validateRunnersFilter(props: { name?: string; labels?: string[]; apiUrl?: string; credentialEnv?: string }): void {
  validateConnection(props);
  if (props.name !== undefined) validateRunnerName(props.name, false);
  validateLabels(props.labels, 'labels filter');
}

/** A retired runner's props. */
export function validateRetiredRunner(props: { busyTimeout?: number; credentialEnv?: string }): void {
  validatePositive(props.busyTimeout, 'busyTimeout');
  validateCredentialEnv(props.credentialEnv);
}

/** Where the API is and which variable holds the credential. */
export function validateConnection(props: { apiUrl?: string; credentialEnv?: string }): void {
  validateApiUrl(props.apiUrl);
  validateCredentialEnv(props.credentialEnv);
}

const SAFE_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;

/** installScript()'s options, for a download of `os`. */
export function validateInstallScript(os: string, options: { runAsUser?: string; installDir?: string }, knownOs: string[]): void {
  if (!knownOs.includes(os)) {
    throw new Error(`installScript() needs a download with a literal os (linux, osx or win), got "${os}"`);
  }
  if (options.runAsUser !== undefined && !SAFE_USER.test(options.runAsUser)) {
    throw new Error(`invalid runAsUser "${options.runAsUser}": use a local user name (lowercase letters, digits, _ . -)`);
  }
  if (options.installDir !== undefined && /['\n\r]|\$\{|%\{/.test(options.installDir)) {
    throw new Error('invalid installDir: quotes, newlines and template markers are not allowed in the path');
  }
}

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
    throw new Error(
      `invalid enterprise slug "${slug}": use the lowercase slug from the enterprise URL (letters, digits, single hyphens) or the enterprise's numeric id`,
    );
  }
}

export function validateLogin(value: string, what: 'organization' | 'owner'): void {
  if (literal(value) && !LOGIN.test(value)) {
    throw new Error(
      `invalid ${what} name "${value}": GitHub names have 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen`,
    );
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
      throw new Error(
        `invalid label "${label}": labels have 1 to 100 characters, start with a letter or digit and use letters, digits or . _ : + = @ / -`,
      );
    }
    const key = label.toLowerCase();
    if (seen.has(key)) throw new Error(`duplicate label "${label}": labels are case-insensitive, list each once`);
    seen.add(key);
  }
}

export function validateCredentialEnv(name: string | undefined): void {
  if (!literal(name)) return;
  if (TOKEN_SHAPED.test(name)) {
    throw new Error(
      'credentialEnv looks like a credential: pass the NAME of the environment variable that holds it (for example GITHUB_TOKEN), never the token itself',
    );
  }
  if (!ENV_NAME.test(name)) {
    throw new Error(
      `invalid credentialEnv "${name}": use an environment variable name such as GITHUB_TOKEN (letters, digits, underscores)`,
    );
  }
}

export function validateApiUrl(url: string | undefined): void {
  if (!literal(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `invalid apiUrl "${url}": use https://api.github.com, https://HOST/api/v3 (GitHub Enterprise Server) or https://api.SUBDOMAIN.ghe.com`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new Error(
      'apiUrl must not contain credentials (user:password@): give the NAME of the environment variable holding the token in credentialEnv',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(url)) {
    throw new Error(`apiUrl "${url}" has a query or fragment: use the bare API base URL, such as https://HOST/api/v3`);
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return;
  throw new Error(
    `apiUrl "${url}" is not https: use an https:// URL; plain http is allowed only for loopback addresses: a literal 127.x.x.x or ::1, or localhost`,
  );
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
