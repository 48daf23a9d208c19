import { Emulator, startEmulator } from '../../lib/emulator';
import { fakeToken } from './support/github';
import { specsFor } from './support/openapi';

/**
 * 10,000 runners: seeding is fast and listing them page by page costs O(page) per request.
 * Every page is also checked against the OpenAPI descriptions.
 */

const token = fakeToken();
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ seed: { tokens: [{ token, kind: 'classic', scopes: ['admin:org'] }] } });
});
afterAll(() => emu.close());

async function get(path: string): Promise<{ body: { total_count: number; runners: { id: number; name: string }[] }; link: string | null }> {
  const res = await fetch(emu.url + path, { headers: { authorization: `token ${token}` } });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  const body = await res.json();
  for (const s of specsFor(path)) s.validate('GET', path, 200, body);
  return { body: body as { total_count: number; runners: { id: number; name: string }[] }, link: res.headers.get('link') };
}

test('10,000 runners seed in well under a second and list in 100 pages quickly', async () => {
  let t = performance.now();
  for (let i = 0; i < 10_000; i++) emu.createRunner('org:octo-org', { name: `runner-${i}`, labels: ['bulk'], status: i % 2 ? 'online' : 'offline' });
  const seedMs = performance.now() - t;
  expect(seedMs).toBeLessThan(2000);

  t = performance.now();
  const ids: number[] = [];
  let next: string | undefined = '/orgs/octo-org/actions/runners?per_page=100';
  let pages = 0;
  while (next) {
    const page = await get(next);
    expect(page.body.total_count).toBe(10_000);
    ids.push(...page.body.runners.map((r) => r.id));
    pages++;
    const m = /<([^>]+)>; rel="next"/.exec(page.link ?? '');
    next = m ? m[1].slice(emu.url.length) : undefined;
  }
  const listMs = performance.now() - t;
  expect(pages).toBe(100);
  expect(new Set(ids).size).toBe(10_000);
  expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  // Generous bounds for a shared 2-core machine; O(n) per page would take far longer.
  expect(listMs).toBeLessThan(10_000);

  t = performance.now();
  for (let i = 0; i < 50; i++) {
    const one = await get(`/orgs/octo-org/actions/runners?name=runner-${i * 199}`);
    expect(one.body.runners[0].name).toBe(`runner-${i * 199}`);
  }
  expect(performance.now() - t).toBeLessThan(5_000);

  const last = await get('/orgs/octo-org/actions/runners?per_page=100&page=100');
  expect(last.body.runners[99].name).toBe('runner-9999');
  expect(emu.requests.filter((r) => r.status === 200)).toHaveLength(151);
  process.stdout.write(`seed ${seedMs.toFixed(0)} ms, 100 pages ${listMs.toFixed(0)} ms\n`);
});
