import { isLoopbackHost } from '../shared-checks';
import { ApiConnection } from './api-connection';
import { UserError } from './errors';

/**
 * Shape checks of what GitHub answers, before any of it reaches Terraform (and from there a VM's
 * user data). The install scripts carry every value base64-encoded, so none could run as code
 * anyway; these checks are the second wall, and they turn a wrong answer into one line naming
 * the field and the server instead of a TypeError or a Terraform unmarshal error. Values are
 * never echoed: they may be secrets, or hostile.
 */

/** GitHub's release hosts: where api.github.com's `download_url` points (github.com) and where its redirects go. */
export const GITHUB_DOWNLOAD_HOSTS = ['github.com', 'objects.githubusercontent.com', 'release-assets.githubusercontent.com'];

const RUNNER_TOKEN = /^[A-Za-z0-9._-]{1,1024}$/;
const JIT_CONFIG = /^[A-Za-z0-9+/]{1,1048576}={0,2}$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
const DOWNLOAD_TOKEN = /^[A-Za-z0-9._-]{1,8192}$/;
const FILENAME = /^[A-Za-z0-9._-]{1,255}$/;
const TIMESTAMP = /^[0-9A-Za-z:.+-]{0,64}$/;
// RFC 3986 characters without quotes, `$`, `;`, parentheses, `*`, `!`, backslash or spaces.
const URL_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@%&=+,]{1,2048}$/;

export function bad(server: ApiConnection, field: string, shape: string): UserError {
  return new UserError(
    `GitHub at ${server.apiUrl} answered a ${field} that is not ${shape}: refusing to pass it on; check that api_url points at GitHub (or your GitHub Enterprise Server)`,
  );
}

export function checkRunnerToken(server: ApiConnection, field: string, value: unknown): string {
  if (typeof value !== 'string' || !RUNNER_TOKEN.test(value)) throw bad(server, field, 'a token (letters, digits, . _ -)');
  return value;
}

export function checkJitConfig(server: ApiConnection, value: unknown): string {
  if (typeof value !== 'string' || !JIT_CONFIG.test(value)) throw bad(server, 'encoded_jit_config', 'base64 text');
  return value;
}

export function checkExpiresAt(server: ApiConnection, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) throw bad(server, 'expires_at', 'a timestamp');
  return value;
}

/** 64 hex digits (lowercased), or empty: GitHub lists no checksum for some archives, and the install script then refuses to install. */
export function checkChecksum(server: ApiConnection, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !SHA256.test(value)) throw bad(server, 'sha256_checksum', '64 hexadecimal digits');
  return value.toLowerCase();
}

export function checkDownloadToken(server: ApiConnection, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !DOWNLOAD_TOKEN.test(value))
    throw bad(server, 'temp_download_token', 'a token (letters, digits, . _ -)');
  return value;
}

export function checkFilename(server: ApiConnection, value: unknown): string {
  if (typeof value !== 'string' || !FILENAME.test(value)) throw bad(server, 'download filename', 'a file name (letters, digits, . _ -)');
  return value;
}

export function checkRunnerId(server: ApiConnection, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw bad(server, field, 'a positive whole number');
  return value;
}

/**
 * The archive URL: https on the API's own host, its web host (GHES, GHE.com), GitHub's release
 * hosts or a host the user listed; plain http only when both it and the API are on a literal
 * loopback address (the emulator). Anything else fails the plan.
 */
export function checkDownloadUrl(server: ApiConnection, value: unknown, extraHosts: readonly string[]): string {
  if (typeof value !== 'string' || !URL_TEXT.test(value)) throw bad(server, 'download_url', 'an https URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad(server, 'download_url', 'an https URL');
  }
  if (url.username !== '' || url.password !== '') throw bad(server, 'download_url', 'an https URL without credentials');
  const api = new URL(server.apiUrl);
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'http:') {
    if (isLoopbackHost(host) && isLoopbackHost(api.hostname) && api.protocol === 'http:') return value;
    throw new UserError(
      `GitHub at ${server.apiUrl} answered a download_url on ${url.host} over plain http: archives are downloaded over https only (http only from a loopback emulator)`,
    );
  }
  if (url.protocol !== 'https:') throw bad(server, 'download_url', 'an https URL');
  const allowed = new Set([
    api.hostname.toLowerCase(),
    new URL(server.webUrl).hostname.toLowerCase(),
    ...GITHUB_DOWNLOAD_HOSTS,
    ...extraHosts.map((h) => h.toLowerCase()),
  ]);
  if (!allowed.has(host)) {
    throw new UserError(
      `GitHub at ${server.apiUrl} answered a download_url on ${url.host}, which is not the API's host nor one of GitHub's release hosts: ` +
        'if that host is your mirror, list it in allowedDownloadHosts of the RunnerDownload',
    );
  }
  return value;
}

/** `download_hosts` of the query: comma-separated host names. */
export function parseDownloadHosts(text: string | undefined): string[] {
  const hosts = (text ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  for (const h of hosts) {
    if (!/^[a-z0-9.-]{1,253}$/.test(h))
      throw new UserError(`query key "download_hosts" holds "${h}", which is not a host name: list names such as mirror.example.com`);
  }
  return hosts;
}
