import * as http from 'http';
import { EmulatorCore } from './core';
import { DOWNLOADS_PREFIX } from './download-store';
import { Ctx, HttpError, redactQuery, sleep } from './request-context';
import { requestId } from './ids';
import { RequestLogEntry } from './types';
import { serveArchive } from './routes/downloads';
import { runnerAgent } from './routes/agent';
import { api } from './routes/api';
import { control } from './routes/control';
import { secondaryLimitExceeded } from './routes/authenticate';

const RUNNER_PREFIX = '/_emulator/runner/';
const GHES_PREFIX = '/api/v3';

/** Answers one HTTP request: test controls, or (logged, faultable) downloads, runner stubs and API. */
export async function handle(core: EmulatorCore, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const rawPath = url.pathname;
  if (rawPath.startsWith('/_emulator/') && !rawPath.startsWith(DOWNLOADS_PREFIX) && !rawPath.startsWith(RUNNER_PREFIX)) {
    return control(core, req, res, method, rawPath, url.searchParams);
  }
  const prefix = rawPath === GHES_PREFIX || rawPath.startsWith(`${GHES_PREFIX}/`) ? GHES_PREFIX : '';
  const ctx = new Ctx(core, req, res, method, rawPath, rawPath.slice(prefix.length) || '/', prefix, url.searchParams, requestId());
  const entry: RequestLogEntry = {
    method,
    path: rawPath,
    query: redactQuery(url.searchParams),
    status: 0,
    credential: core.creds.kindOf(req.headers.authorization),
    at: core.clock.now(),
  };
  // Logged on arrival, its status when the answer starts: a client that gives up on a huge or
  // slow answer may be gone before the server notices, and the test that asks must still see it.
  core.log(entry);
  ctx.onAnswer = (status) => {
    entry.status = status;
  };
  try {
    if (core.secondary && !rawPath.startsWith(DOWNLOADS_PREFIX) && !rawPath.startsWith(RUNNER_PREFIX)) {
      const slot = core.secondary.enter(req.headers.authorization);
      if (!slot) return secondaryLimitExceeded(ctx, core.secondary.settings.retryAfterSeconds);
      res.once('close', slot.release);
    }
    if (core.latencyMs > 0) await sleep(core.latencyMs);
    const fault = core.faults.take(method, rawPath);
    if (fault) {
      if (fault.delayMs) {
        // Take the body first, as GitHub does: a slow answer to a write still acts on it, even
        // when the client has given up waiting (the "answer lost after GitHub acted" case).
        ctx.body().catch(() => undefined);
        await sleep(fault.delayMs);
      }
      if (fault.reset) {
        req.socket.destroy();
        return;
      }
      ctx.faultHeaders = { ...(fault.headers ?? {}) };
      if (fault.rateLimitResetInSeconds !== undefined) {
        ctx.faultHeaders['x-ratelimit-reset'] = String(core.clock.nowSeconds() + fault.rateLimitResetInSeconds);
        ctx.faultHeaders['x-ratelimit-used'] = String(core.rateLimit);
        ctx.faultHeaders['x-ratelimit-limit'] = String(core.rateLimit);
      }
      if (fault.status !== undefined || fault.body !== undefined) {
        const status = fault.status ?? 500;
        const body = fault.body ?? JSON.stringify({ message: http.STATUS_CODES[status] ?? 'Error', status: String(status) });
        ctx.write(status, body, 'application/json; charset=utf-8');
        return;
      }
    }
    if (rawPath.startsWith(DOWNLOADS_PREFIX)) return serveArchive(core, ctx);
    if (rawPath.startsWith(RUNNER_PREFIX)) return await runnerAgent(core, ctx);
    await api(core, ctx);
  } catch (e) {
    if (e instanceof HttpError) ctx.error(e.status, e.message);
    else ctx.error(500, `Emulator error: ${(e as Error).message}`);
  }
}
