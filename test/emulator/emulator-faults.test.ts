import { Emulator, Faults, startEmulator } from '../../lib/emulator';
import { call, fakeToken } from './support/github';

/** Fault injection and test controls, in-process and over HTTP under /_emulator/. */

const token = fakeToken();
const LIST = '/orgs/octo-org/actions/runners';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ seed: { tokens: [{ token, kind: 'classic', scopes: ['repo', 'admin:org'] }] } });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.clearFaults();
  emu.setLatency(0);
});

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(emu.url + path, { ...init, headers: { authorization: `token ${token}`, ...(init.headers ?? {}) } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(emu.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('in-process faults', () => {
  test('status with a malformed body and extra headers, applied `times` times (default once)', async () => {
    emu.addFault({ path: `${LIST}$`, status: 500, body: '{"message": "half', headers: { 'X-Injected': 'yes' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const a = await raw(LIST);
      expect(a.status).toBe(500);
      expect(a.text).toBe('{"message": "half');
      expect(a.headers.get('x-injected')).toBe('yes');
      expect(a.headers.get('x-github-request-id')).toBeTruthy();
    }
    expect((await raw(LIST)).status).toBe(200);
    emu.addFault({ status: 503 });
    expect((await raw(LIST)).status).toBe(503);
    expect((await raw(LIST)).status).toBe(200);
  });

  test('times: 0 applies until clearFaults; method and path narrow the match', async () => {
    emu.addFault({ method: 'POST', path: '/registration-token$', status: 502, times: 0 });
    for (let i = 0; i < 3; i++)
      expect((await raw('/orgs/octo-org/actions/runners/registration-token', { method: 'POST' })).status).toBe(502);
    expect((await raw(LIST)).status).toBe(200);
    expect((await raw('/orgs/octo-org/actions/runners/remove-token', { method: 'POST' })).status).toBe(201);
    emu.clearFaults();
    expect((await raw('/orgs/octo-org/actions/runners/registration-token', { method: 'POST' })).status).toBe(201);
  });

  test('headers without a status decorate the real answer', async () => {
    emu.addFault({ path: LIST, headers: { 'x-extra': '1' } });
    const a = await call(emu, 'GET', LIST, { token });
    expect(a.status).toBe(200);
    expect(a.headers.get('x-extra')).toBe('1');
    expect(a.body.total_count).toBe(0);
  });

  test('delay, connection reset and global latency', async () => {
    emu.addFault({ path: LIST, delayMs: 300 });
    let t = Date.now();
    expect((await raw(LIST)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(280);

    emu.addFault({ path: LIST, reset: true });
    await expect(raw(LIST)).rejects.toThrow();
    expect(emu.requests[emu.requests.length - 1]).toMatchObject({ path: LIST, status: 0 });
    expect((await raw(LIST)).status).toBe(200);

    emu.setLatency(150);
    t = Date.now();
    await raw(LIST);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    expect(() => emu.setLatency(-1)).toThrow(/non-negative/);
  });

  test('a request is in the log, with its status, while its answer is still being sent', async () => {
    emu.clearRequests();
    emu.addFault({ path: `${LIST}$`, status: 200, body: `[${' '.repeat(32 * 1024 * 1024)}]` });
    const abort = new AbortController();
    const res = await fetch(emu.url + LIST, { headers: { authorization: `token ${token}` }, signal: abort.signal });
    // Headers are in, the 32 MiB body is not: the server has not finished answering.
    expect(emu.requests).toMatchObject([{ method: 'GET', path: LIST, status: 200 }]);
    abort.abort();
    await res.body?.cancel().catch(() => undefined);
  });

  test('helpers build GitHub-shaped rate-limit and server-error answers', async () => {
    emu.addFault(Faults.secondaryRateLimit({ status: 429, retryAfter: 7, path: LIST }));
    const secondary = await call(emu, 'GET', LIST, { token });
    expect(secondary.status).toBe(429);
    expect(secondary.headers.get('retry-after')).toBe('7');
    expect(secondary.body.message).toMatch(/secondary rate limit/);

    emu.addFault(Faults.primaryRateLimit({ resetInSeconds: 90, path: LIST }));
    const primary = await call(emu, 'GET', LIST, { token });
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset'))).toBeCloseTo(Math.floor(emu.clock.now() / 1000) + 90, -1);
    expect(primary.body.message).toMatch(/^API rate limit exceeded/);

    emu.addFault(Faults.serverError({ status: 502, path: LIST }));
    const server = await call(emu, 'GET', LIST, { token });
    expect(server.status).toBe(502);
  });

  test('invalid faults are refused with one line', () => {
    expect(() => emu.addFault({ path: '(' })).toThrow(/not a valid regular expression/);
    expect(() => emu.addFault({ status: 42 })).toThrow(/HTTP status/);
    expect(() => emu.addFault({ times: -1 })).toThrow(/non-negative/);
  });
});

describe('HTTP controls under /_emulator/', () => {
  test('faults, helpers, latency', async () => {
    expect((await control('POST', '/_emulator/faults', { path: LIST, status: 418 })).status).toBe(201);
    expect((await raw(LIST)).status).toBe(418);
    expect((await control('POST', '/_emulator/faults/secondary-rate-limit', { retryAfter: 3, path: LIST })).status).toBe(201);
    const s = await raw(LIST);
    expect([s.status, s.headers.get('retry-after')]).toEqual([403, '3']);
    await control('POST', '/_emulator/faults/primary-rate-limit', { resetInSeconds: 5, path: LIST });
    expect((await raw(LIST)).headers.get('x-ratelimit-remaining')).toBe('0');
    await control('POST', '/_emulator/faults/server-error', { path: LIST, times: 0 });
    expect((await raw(LIST)).status).toBe(500);
    expect((await control('DELETE', '/_emulator/faults')).status).toBe(204);
    expect((await raw(LIST)).status).toBe(200);
    expect((await control('POST', '/_emulator/latency', { ms: 0 })).status).toBe(204);
    expect((await control('POST', '/_emulator/faults', { path: '(' })).status).toBe(400);
    expect((await control('GET', '/_emulator/nope')).status).toBe(404);
  });

  test('clock, tokens, scopes, runners, tamper, request log and issued tokens', async () => {
    const before = (await control('GET', '/_emulator/clock')).body.now;
    const advanced = await control('POST', '/_emulator/clock/advance', { seconds: 60 });
    expect(advanced.body.now - before).toBeGreaterThanOrEqual(60_000);

    const t2 = fakeToken();
    expect((await control('POST', '/_emulator/tokens', { token: t2, kind: 'classic', scopes: ['admin:org'] })).status).toBe(204);
    expect((await call(emu, 'GET', LIST, { token: t2 })).status).toBe(200);
    expect((await control('POST', '/_emulator/tokens', { token: 'x', kind: 'classic' })).status).toBe(400);

    expect((await control('POST', '/_emulator/scopes', { scope: 'repo:octo-org/http-repo' })).status).toBe(204);
    const created = await control('POST', '/_emulator/runners', {
      scope: 'repo:octo-org/http-repo',
      name: 'via-http',
      labels: ['x'],
      status: 'online',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'via-http', status: 'online', scope: 'repo:octo-org/http-repo' });
    const patched = await control('PATCH', `/_emulator/runners/${created.body.id}`, { busy: true });
    expect(patched.body.busy).toBe(true);
    expect((await call(emu, 'DELETE', `/repos/octo-org/http-repo/actions/runners/${created.body.id}`, { token })).status).toBe(422);
    const listed = await control('GET', '/_emulator/runners?scope=repo:octo-org/http-repo');
    expect(listed.body.runners.map((r: { name: string }) => r.name)).toEqual(['via-http']);
    expect((await control('GET', '/_emulator/runners?scope=org:missing')).status).toBe(400);

    expect((await control('POST', '/_emulator/tamper', { on: true })).status).toBe(204);
    expect((await control('POST', '/_emulator/tamper', { on: false })).status).toBe(204);

    await call(emu, 'POST', '/orgs/octo-org/actions/runners/remove-token', { token });
    const issued = await control('GET', '/_emulator/tokens-issued');
    expect(issued.body.tokens[issued.body.tokens.length - 1]).toMatchObject({ kind: 'remove', scope: 'org:octo-org' });
    const log = await control('GET', '/_emulator/requests');
    expect(log.body.requests.some((r: { path: string }) => r.path.startsWith('/_emulator/'))).toBe(false);
    expect((await control('DELETE', '/_emulator/requests')).status).toBe(204);
    expect(emu.requests).toHaveLength(0);
  });
});
