import * as crypto from 'crypto';
import { SeedApp } from './types';

/** GitHub tolerates this much clock drift between an app's host and itself. */
export const JWT_SKEW_SECONDS = 60;
/** GitHub's maximum JWT lifetime. */
export const JWT_MAX_LIFETIME_SECONDS = 600;

export type JwtCheck = { ok: true; app: SeedApp } | { ok: false; message: string };

/** GitHub's own messages; @octokit/auth-app matches the clock ones to retry with the `Date` skew. */
export const JWT_MESSAGES = {
  undecodable: 'A JSON web token could not be decoded',
  iat: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  expired: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooFar: "'Expiration time' claim ('exp') is too far in the future",
  unknownIssuer: 'Integration not found',
};

export function looksLikeJwt(value: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}

/** Verifies an app's RS256 JWT against the seeded apps on the emulator clock. */
export function verifyAppJwt(jwt: string, apps: readonly SeedApp[], nowSeconds: number): JwtCheck {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: JWT_MESSAGES.undecodable };
  let header: { alg?: string };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: JWT_MESSAGES.undecodable };
  }
  if (header.alg !== 'RS256' || !claims || typeof claims !== 'object') return { ok: false, message: JWT_MESSAGES.undecodable };
  const app = apps.find((a) => String(a.appId) === String(claims.iss));
  if (!app) return { ok: false, message: JWT_MESSAGES.unknownIssuer };
  let valid: boolean;
  try {
    valid = crypto.verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      crypto.createPublicKey(app.publicKeyPem),
      Buffer.from(parts[2], 'base64url'),
    );
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, message: JWT_MESSAGES.undecodable };
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowSeconds + JWT_SKEW_SECONDS)
    return { ok: false, message: JWT_MESSAGES.iat };
  if (typeof exp !== 'number' || exp <= nowSeconds) return { ok: false, message: JWT_MESSAGES.expired };
  if (exp > nowSeconds + JWT_MAX_LIFETIME_SECONDS + JWT_SKEW_SECONDS || exp - iat > JWT_MAX_LIFETIME_SECONDS + JWT_SKEW_SECONDS) {
    return { ok: false, message: JWT_MESSAGES.tooFar };
  }
  return { ok: true, app };
}
