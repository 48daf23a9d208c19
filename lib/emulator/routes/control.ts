import * as crypto from 'crypto';
import * as http from 'http';
import { EmulatorCore } from '../core';
import { Faults } from '../faults';
import { emulatedRunner } from '../state';
import { CreateRunnerRequest, Fault } from '../types';

/**
 * `/_emulator/...` test controls over HTTP, for tests and demos that drive the emulator from
 * another process (the CLI). Only loopback callers holding the emulator's admin token (new at
 * every start: `Emulator.adminToken`, printed by the CLI) are served: another local user must not
 * be able to add tokens or faults. Not logged.
 */
export async function control(
  core: EmulatorCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  method: string,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const reply = (status: number, body?: unknown) => {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  };
  if (!isLoopback(req.socket.remoteAddress)) return reply(403, { message: 'The /_emulator/ controls answer loopback callers only' });
  if (!isAdmin(core.adminToken, req.headers.authorization)) {
    return reply(401, {
      message:
        'The /_emulator/ controls need the emulator admin token: send "Authorization: Bearer TOKEN" with the token the emulator printed (Emulator.adminToken in process)',
    });
  }
  try {
    const body = method === 'GET' || method === 'DELETE' ? undefined : await readJson(req);
    const out = dispatch(core, method, path, query, body);
    if (out === NOT_FOUND) return reply(404, { message: `No emulator control ${method} ${path}; see lib/emulator/routes/control.ts` });
    reply(out === undefined ? 204 : method === 'POST' && path !== '/_emulator/clock/advance' ? 201 : 200, out);
  } catch (e) {
    reply(400, { message: (e as Error).message });
  }
}

const NOT_FOUND = Symbol('not found');

function dispatch(core: EmulatorCore, method: string, path: string, query: URLSearchParams, body: unknown): unknown {
  const b = (body ?? {}) as Record<string, unknown>;
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  const runner = /^PATCH \/_emulator\/runners\/(\d+)$/.exec(route);
  if (runner) {
    core.setRunnerState(Number(runner[1]), b as { status?: 'online' | 'offline'; busy?: boolean });
    return emulatedRunner(core.runner(Number(runner[1])));
  }
  switch (route) {
    case 'GET /_emulator/health':
      return { ok: true };
    case 'POST /_emulator/faults':
      for (const f of Array.isArray(body) ? body : [body]) core.faults.add(f as Fault);
      return { faults: core.faults.size };
    case 'POST /_emulator/faults/secondary-rate-limit':
      core.faults.add(Faults.secondaryRateLimit(b as Parameters<typeof Faults.secondaryRateLimit>[0]));
      return { faults: core.faults.size };
    case 'POST /_emulator/faults/primary-rate-limit':
      core.faults.add(Faults.primaryRateLimit(b as Parameters<typeof Faults.primaryRateLimit>[0]));
      return { faults: core.faults.size };
    case 'POST /_emulator/faults/server-error':
      core.faults.add(Faults.serverError(b as Parameters<typeof Faults.serverError>[0]));
      return { faults: core.faults.size };
    case 'DELETE /_emulator/faults':
      core.faults.clear();
      return undefined;
    case 'POST /_emulator/latency':
      if (typeof b.ms !== 'number' || b.ms < 0) throw new Error('Send {"ms": N} with N >= 0');
      core.latencyMs = b.ms;
      return undefined;
    case 'GET /_emulator/clock':
      return { now: core.clock.now() };
    case 'POST /_emulator/clock/advance':
      core.clock.advance(Number(b.seconds));
      return { now: core.clock.now() };
    case 'POST /_emulator/tokens':
      core.addToken(b as never);
      return undefined;
    case 'POST /_emulator/scopes':
      core.addScope(String(b.scope));
      return undefined;
    case 'GET /_emulator/runners':
      return { runners: core.runners(query.get('scope') ?? '') };
    case 'POST /_emulator/runners':
      return core.createRunner(String(b.scope), b as unknown as CreateRunnerRequest);
    case 'POST /_emulator/tamper':
      core.downloads.tampered = b.on === true;
      return undefined;
    case 'GET /_emulator/requests':
      return { requests: core.requests };
    case 'DELETE /_emulator/requests':
      core.requests.length = 0;
      return undefined;
    case 'GET /_emulator/tokens-issued':
      return { tokens: core.tokensIssued };
    default:
      return NOT_FOUND;
  }
}

function isAdmin(token: string, authorization: string | undefined): boolean {
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr === '::1' || /^(::ffff:)?127\./.test(addr));
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error('The control request body is not valid JSON'));
      }
    });
  });
}
