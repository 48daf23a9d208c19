import { Emulator, startEmulator } from '../../lib/emulator';
import { fakeToken } from './support/github';
import { specsFor } from './support/openapi';

/**
 * 10,000 runners: seeded in process, listed in exactly 100 pages of 100 in id order, found by
 * name in one request each. Every page is also checked against the OpenAPI descriptions. How
 * fast is measured by `npm run bench` (section 5, Pagination), not here.
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

test('10,000 runners list in 100 pages in id order, and each is found by name in one request', async () => {
  for (let i = 0; i < 10_000; i++)
    emu.createRunner('org:octo-org', { name: `runner-${i}`, labels: ['bulk'], status: i % 2 ? 'online' : 'offline' });
  expect(emu.runners('org:octo-org')).toHaveLength(10_000);

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
  expect(pages).toBe(100);
  expect(new Set(ids).size).toBe(10_000);
  expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  for (let i = 0; i < 50; i++) {
    const one = await get(`/orgs/octo-org/actions/runners?name=runner-${i * 199}`);
    expect(one.body.total_count).toBe(1);
    expect(one.body.runners[0].name).toBe(`runner-${i * 199}`);
  }

  const last = await get('/orgs/octo-org/actions/runners?per_page=100&page=100');
  expect(last.body.runners[99].name).toBe('runner-9999');
  expect(emu.requests.filter((r) => r.status === 200)).toHaveLength(151);
});
