import * as crypto from 'crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** GitHub's registration/remove tokens are 29 characters of the base32 alphabet. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export function runnerToken(): string {
  return randomFrom(BASE32, 29);
}

export function installationToken(): string {
  return `ghs_${randomFrom(ALNUM, 36)}`;
}

export function classicToken(): string {
  return `ghp_${randomFrom(ALNUM, 36)}`;
}

export function hexSecret(bytes = 20): string {
  return crypto.randomBytes(bytes).toString('hex');
}

/** Looks like GitHub's `x-github-request-id` (e.g. `C1E4:3C1F:1D2B6A3:1E0B4F8:66D9A0B1`). */
export function requestId(): string {
  const h = (n: number) => crypto.randomBytes(n).toString('hex').toUpperCase();
  return `${h(2)}:${h(2)}:${h(4).slice(1)}:${h(4).slice(1)}:${h(4)}`;
}

export function uuid(): string {
  return crypto.randomUUID();
}

/** An opaque JWT-shaped token, like the `temp_download_token` GHES hands out. */
export function opaqueJwt(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64(claims)}.${crypto.randomBytes(32).toString('base64url')}`;
}
