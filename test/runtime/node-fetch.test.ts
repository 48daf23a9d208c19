import * as http from 'http';
import { AddressInfo } from 'net';
import { nodeFetch } from '../../lib/runtime/node-fetch';

/** The runtime's small fetch: redirects, credential stripping across origins, abort. */
let server: http.Server;
let base: string;
const seen: { path: string; auth?: string; method: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, method: req.method ?? '', body });
      const port = (server.address() as AddressInfo).port;
      if (req.url === '/same') return void res.writeHead(302, { location: '/final' }).end();
      // Another origin: localhost instead of 127.0.0.1.
      if (req.url === '/cross') return void res.writeHead(301, { location: `http://localhost:${port}/final` }).end();
      if (req.url === '/see-other') return void res.writeHead(303, { location: '/final' }).end();
      if (req.url === '/keep') return void res.writeHead(307, { location: '/final' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 600);
      res.writeHead(200, { 'content-type': 'application/json', 'x-multi': 'a' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 700)); // the slow answer
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => (seen.length = 0));

const auth = { authorization: 'token fake-test-credential' };

test('plain GET: status, headers, body', async () => {
  const r = await nodeFetch(`${base}/x`, { headers: auth });
  expect(r.status).toBe(200);
  expect(r.headers.get('Content-Type')).toBe('application/json');
  expect([...r.headers].some(([k, v]) => k === 'x-multi' && v === 'a')).toBe(true);
  expect(await r.json()).toEqual({ ok: true });
});

test('same-origin redirect keeps the credential', async () => {
  const r = await nodeFetch(`${base}/same`, { headers: auth });
  expect(r.status).toBe(200);
  expect(r.url).toBe(`${base}/final`);
  expect(seen.map((s) => s.auth)).toEqual([auth.authorization, auth.authorization]);
});

test('cross-origin redirect drops the credential', async () => {
  const r = await nodeFetch(`${base}/cross`, { headers: auth });
  expect(r.status).toBe(200);
  expect(seen[1].path).toBe('/final');
  expect(seen[1].auth).toBeUndefined();
});

test('303 turns a POST into a GET; 307 keeps method and body', async () => {
  await nodeFetch(`${base}/see-other`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  expect(seen[1]).toEqual(expect.objectContaining({ method: 'GET', body: '' }));
  seen.length = 0;
  await nodeFetch(`${base}/keep`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  expect(seen[1]).toEqual(expect.objectContaining({ method: 'POST', body: '{"a":1}' }));
});

test('redirect loops end', async () => {
  await expect(nodeFetch(`${base}/loop`)).rejects.toThrow(/too many redirects/);
});

test('an abort signal ends a slow answer', async () => {
  const started = Date.now();
  await expect(nodeFetch(`${base}/slow`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(1500);
});
