import { Emulator, startEmulator } from '../../lib/emulator';
import { fakeToken } from './support/github';

/** GitHub's secondary limits, as the emulator models them when a seed asks for them. */

const token = fakeToken();
const other = fakeToken();
const TOKEN_PATH = '/orgs/octo-org/actions/runners/registration-token';
const LIST_PATH = '/orgs/octo-org/actions/runners';
let emu: Emulator;

async function call(method: string, path: string, t = token): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const res = await fetch(emu.url + path, { method, headers: { authorization: `token ${t}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
}

afterEach(() => emu?.close());

async function start(secondaryLimits: Record<string, number> | undefined): Promise<void> {
  emu = await startEmulator({
    seed: {
      tokens: [token, other].map((t) => ({ token: t, kind: 'classic' as const, scopes: ['admin:org'] })),
      secondaryLimits,
    },
  });
}

test('content-generating requests: the per-minute limit answers 403 with retry-after, and a new minute admits again', async () => {
  await start({ contentPerMinute: 3, contentPerHour: 10, retryAfterSeconds: 7 });
  for (let i = 0; i < 3; i++) expect((await call('POST', TOKEN_PATH)).status).toBe(201);
  const refused = await call('POST', TOKEN_PATH);
  expect(refused.status).toBe(403);
  expect(refused.retryAfter).toBe('7');
  // The wording @octokit/plugin-throttling recognizes as a secondary limit.
  expect(refused.body.message).toMatch(/\bsecondary rate\b/i);
  // Reads are not content-generating; another credential has its own budget.
  expect((await call('GET', LIST_PATH)).status).toBe(200);
  expect((await call('POST', TOKEN_PATH, other)).status).toBe(201);
  emu.clock.advance(61);
  expect((await call('POST', TOKEN_PATH)).status).toBe(201);
  expect(emu.secondaryLimitStats().hits['content-per-minute']).toBe(1);
});

test('the per-hour limit holds across minutes until the hour has passed', async () => {
  await start({ contentPerMinute: 100, contentPerHour: 4 });
  for (let i = 0; i < 4; i++) expect((await call('POST', TOKEN_PATH)).status).toBe(201);
  emu.clock.advance(120);
  const refused = await call('POST', TOKEN_PATH);
  expect(refused.status).toBe(403);
  expect(refused.retryAfter).toBe('60');
  emu.clock.advance(3600);
  expect((await call('POST', TOKEN_PATH)).status).toBe(201);
  expect(emu.secondaryLimitStats().hits['content-per-hour']).toBe(1);
});

test('concurrent requests of one credential beyond the cap are refused while the others are in flight', async () => {
  await start({ maxConcurrent: 3 });
  emu.setLatency(300);
  const answers = await Promise.all(Array.from({ length: 5 }, () => call('GET', LIST_PATH)));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([200, 200, 200, 403, 403]);
  expect(answers.find((a) => a.status === 403)?.body.message).toMatch(/secondary rate limit/);
  const stats = emu.secondaryLimitStats();
  expect(stats.hits.concurrent).toBe(2);
  expect(stats.peakConcurrent).toBe(3);
  // Slots are given back when the answers close: the next burst of three all pass.
  const again = await Promise.all(Array.from({ length: 3 }, () => call('GET', LIST_PATH)));
  expect(again.map((a) => a.status)).toEqual([200, 200, 200]);
});

test('off unless the seed asks: a burst of writes is never refused', async () => {
  await start(undefined);
  const answers = await Promise.all(Array.from({ length: 120 }, () => call('POST', TOKEN_PATH)));
  expect(answers.every((a) => a.status === 201)).toBe(true);
  expect(emu.secondaryLimitStats().hits).toEqual({ concurrent: 0, 'content-per-minute': 0, 'content-per-hour': 0 });
});

test('a seed with a bad value fails with one line naming the field', async () => {
  await expect(startEmulator({ seed: { secondaryLimits: { maxConcurrent: 0 } } })).rejects.toThrow(
    'Seed secondaryLimits.maxConcurrent 0 must be an integer >= 1',
  );
});
