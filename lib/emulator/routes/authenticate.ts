import { presented } from '../auth';
import { EmulatorCore } from '../core';
import { Ctx } from '../request-context';
import { verifyAppJwt } from '../jwt';

const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

export function rateLimitExceeded(ctx: Ctx, subject?: string): void {
  const who = subject ?? ctx.credential?.subject;
  const message = who
    ? `API rate limit exceeded for ${who}.`
    : `API rate limit exceeded for ${ctx.req.socket.remoteAddress ?? 'your IP'}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`;
  ctx.send(403, { message, documentation_url: RATE_DOCS, status: '403' });
}

/**
 * Resolves the caller's token, counts the request against its primary rate limit and answers
 * 401/403 when it may not go on. Returns whether the handler should run.
 */
export function authenticate(core: EmulatorCore, ctx: Ctx): boolean {
  const p = presented(ctx.req.headers.authorization);
  let jwtApp: string | undefined;
  if (p.type === 'token') {
    const c = core.creds.lookup(p.value, core.clock.now());
    if (c) {
      ctx.credential = c;
      ctx.rateBucket = c.bucket;
      ctx.rateLimit = core.rateLimit;
    }
  } else if (p.type === 'jwt') {
    const check = verifyAppJwt(p.value, core.apps, core.clock.nowSeconds());
    if (!check.ok) {
      ctx.rate = core.limiter.consume(ctx.rateBucket, ctx.rateLimit);
      ctx.error(401, check.message);
      return false;
    }
    jwtApp = check.app.appId;
    ctx.rateBucket = `app:${jwtApp}`;
    ctx.rateLimit = core.rateLimit;
  }
  const consumed = core.limiter.consume(ctx.rateBucket, ctx.rateLimit);
  ctx.rate = consumed;
  if (consumed.exceeded) {
    rateLimitExceeded(ctx, jwtApp ? `app ID ${jwtApp}` : undefined);
    return false;
  }
  if (jwtApp) {
    // An app JWT only works on /app endpoints; everything else needs an installation token.
    ctx.error(403, 'Resource not accessible by integration');
    return false;
  }
  if (!ctx.credential) {
    ctx.error(401, 'Bad credentials');
    return false;
  }
  return countContent(core, ctx);
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID';

/** GitHub's answer to a request over a secondary limit: 403 with `retry-after`. */
export function secondaryLimitExceeded(ctx: Ctx, retryAfterSeconds: number): void {
  ctx.extra['retry-after'] = String(retryAfterSeconds);
  ctx.send(403, { message: `${SECONDARY_MESSAGE} ${ctx.requestId}.`, documentation_url: RATE_DOCS, status: '403' });
}

/** The content-creation limit (when the seed asks for secondary limits) on writes of a credential. */
function countContent(core: EmulatorCore, ctx: Ctx): boolean {
  if (!core.secondary || ctx.method === 'GET' || ctx.method === 'HEAD') return true;
  if (core.secondary.write(ctx.rateBucket) === undefined) return true;
  secondaryLimitExceeded(ctx, core.secondary.settings.retryAfterSeconds);
  return false;
}
