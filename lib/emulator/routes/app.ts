import { Level, presented } from '../auth';
import { EmulatorCore } from '../core';
import { Ctx, HttpError } from '../request-context';
import { installationToken } from '../ids';
import { JWT_MESSAGES, verifyAppJwt } from '../jwt';
import { rateLimitExceeded } from './authenticate';

const INSTALLATION_TOKEN_TTL_MS = 3600 * 1000;

/**
 * POST /app/installations/{id}/access_tokens with the app's RS256 JWT (what @octokit/auth-app
 * calls). Clock errors carry GitHub's messages and the emulator's `Date`, so auth-app corrects
 * its skew and retries exactly as it does against GitHub.
 */
export async function createInstallationToken(core: EmulatorCore, ctx: Ctx, installationId: string): Promise<void> {
  const p = presented(ctx.req.headers.authorization);
  const check =
    p.type === 'jwt'
      ? verifyAppJwt(p.value, core.apps, core.clock.nowSeconds())
      : ({ ok: false, message: JWT_MESSAGES.undecodable } as const);
  if (check.ok) {
    ctx.rateBucket = `app:${check.app.appId}`;
    ctx.rateLimit = core.rateLimit;
  }
  const consumed = core.limiter.consume(ctx.rateBucket, ctx.rateLimit);
  ctx.rate = consumed;
  if (consumed.exceeded) return rateLimitExceeded(ctx, check.ok ? `app ID ${check.app.appId}` : undefined);
  if (!check.ok) return ctx.error(401, check.message);
  const app = check.app;
  if (app.installationId !== installationId) return ctx.notFound();

  const body = await ctx.json();
  let permissions: Record<string, Level> = { ...app.permissions };
  if (body !== undefined) {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new HttpError(422, 'Invalid request.\n\nThe request body must be a JSON object.');
    const requested = (body as { permissions?: unknown }).permissions;
    if (requested !== undefined) {
      if (!requested || typeof requested !== 'object') throw new HttpError(422, 'Invalid request.\n\n"permissions" must be an object.');
      permissions = {};
      for (const [name, level] of Object.entries(requested as Record<string, unknown>)) {
        const granted = app.permissions[name];
        if ((level !== 'read' && level !== 'write') || !granted || (level === 'write' && granted !== 'write')) {
          return ctx.error(422, 'The permissions requested are not granted to this installation.');
        }
        permissions[name] = level;
      }
    }
  }
  const token = installationToken();
  const expiresAt = core.clock.now() + INSTALLATION_TOKEN_TTL_MS;
  core.creds.addInstallationToken(token, installationId, permissions, expiresAt);
  core.recordIssued('installation', `app:${installationId}`);
  ctx.send(201, {
    token,
    expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    permissions,
    repository_selection: 'all',
  });
}

/** GET /rate_limit: the caller's primary limit; like GitHub, asking does not count. */
export function rateLimitStatus(core: EmulatorCore, ctx: Ctx): void {
  const p = presented(ctx.req.headers.authorization);
  if (p.type !== 'none') {
    const c = p.type === 'token' ? core.creds.lookup(p.value, core.clock.now()) : undefined;
    if (!c) return ctx.error(401, 'Bad credentials');
    ctx.credential = c;
    ctx.rateBucket = c.bucket;
    ctx.rateLimit = core.rateLimit;
  }
  const s = core.limiter.peek(ctx.rateBucket, ctx.rateLimit);
  ctx.rate = s;
  const core_ = { limit: s.limit, remaining: s.remaining, reset: s.reset, used: s.used };
  const search = { limit: 30, remaining: 30, reset: core.clock.nowSeconds() + 60, used: 0 };
  ctx.send(200, { resources: { core: core_, search, graphql: { ...core_, used: 0, remaining: s.limit } }, rate: core_ });
}
