import { DataOperation } from '../../lib/contract';
import { Emulator, Faults, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, conn, data, expectNoSecret, failure, result, RunResult } from './runtime-process';

/**
 * Rate limits, 5xx, resets, timeouts and malformed answers, with a small retry budget so that
 * the tests stay fast and prove the total time is bounded.
 */
let emulator: Emulator;
const credential = canaryToken();
const RUNNERS = '/orgs/octo-org/actions/runners$';

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
});
afterAll(async () => {
  // Let delayed answers to abandoned requests finish before the emulator closes.
  await new Promise((r) => setTimeout(r, 1600));
  await emulator?.close();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

const query = () => ({ ...conn(emulator), org: 'octo-org', operation: DataOperation.RUNNERS });
const runWith = (budget: number, timeout = 30) =>
  data(query(), {
    env: {
      GITHUB_TOKEN: credential,
      CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: String(budget),
      CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT: String(timeout),
    },
  });
const attempts = () => emulator.requests.filter((r) => /\/orgs\/octo-org\/actions\/runners$/.test(r.path)).length;
const clean = (r: RunResult) => expectNoSecret(r, credential);

test('secondary rate limit within the budget: waits retry-after, then succeeds', async () => {
  emulator.addFault(Faults.secondaryRateLimit({ retryAfter: 2, path: RUNNERS }));
  const r = await runWith(10);
  expect(result(r).count).toMatch(/^\d+$/);
  expect(r.ms).toBeGreaterThanOrEqual(2000);
  expect(attempts()).toBe(2);
  expect(r.stderr).toMatch(/debug GET .* secondary rate limit: waiting 2 s/);
  clean(r);
});

test('secondary rate limit (429) beyond the budget: clear error, no wait', async () => {
  emulator.addFault(Faults.secondaryRateLimit({ status: 429, retryAfter: 120, path: RUNNERS }));
  const r = await runWith(3);
  expect(failure(r)).toMatch(
    /GitHub secondary rate limit on GET \/orgs\/octo-org\/actions\/runners \(429\); GitHub asks to wait 120 s, beyond the retry budget of 3 s \(CDKTF_GITHUB_RUNNERS_RETRY_BUDGET\)/,
  );
  expect(r.ms).toBeLessThan(3000);
  clean(r);
});

test('primary rate limit within the budget: waits for x-ratelimit-reset', async () => {
  emulator.addFault(Faults.primaryRateLimit({ resetInSeconds: 1, path: RUNNERS }));
  const r = await runWith(10);
  expect(result(r).count).toMatch(/^\d+$/);
  expect(r.ms).toBeGreaterThanOrEqual(1000);
  expect(attempts()).toBe(2);
  clean(r);
});

test('primary rate limit beyond the budget: names the reset time', async () => {
  emulator.addFault(Faults.primaryRateLimit({ resetInSeconds: 3600, path: RUNNERS }));
  const r = await runWith(3);
  const line = failure(r);
  expect(line).toMatch(
    /GitHub rate limit exhausted for the classic personal access token from GITHUB_TOKEN .* resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 3\d{3} s\), beyond the retry budget of 3 s/,
  );
  expect(r.ms).toBeLessThan(3000);
  clean(r);
});

test('primary rate limit with a reset already past (skewed clock): a few immediate tries, then a clear error', async () => {
  emulator.addFault(Faults.primaryRateLimit({ resetInSeconds: -60, path: RUNNERS, times: 0 }));
  const r = await runWith(30);
  expect(failure(r)).toMatch(
    /GitHub rate limit exhausted .*; its reset time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ has passed, yet GitHub still refuses, 4 attempts: check this machine's clock \(NTP\), or retry later/,
  );
  expect(attempts()).toBe(4);
  expect(r.ms).toBeLessThan(10_000);
  clean(r);
});

test('5xx then success: retried with backoff', async () => {
  emulator.addFault(Faults.serverError({ status: 502, path: RUNNERS, times: 1 }));
  const r = await runWith(10);
  expect(result(r).count).toMatch(/^\d+$/);
  expect(attempts()).toBe(2);
  expect(r.stderr).toMatch(/debug GET \/orgs\/octo-org\/actions\/runners\?per_page=100&page=1 502 \d+ms/);
  clean(r);
});

test('5xx forever: gives up within the budget, says how often it tried', async () => {
  emulator.addFault(Faults.serverError({ status: 503, path: RUNNERS, times: 0 }));
  const r = await runWith(6);
  // Backoff 1 s, 4 s: the third retry (9 s) would exceed the budget of 6 s.
  expect(failure(r)).toMatch(
    /GitHub answered 503 "Server Error" to GET \/orgs\/octo-org\/actions\/runners, 3 attempts within the retry budget of 6 s.*retry later/,
  );
  expect(attempts()).toBe(3);
  expect(r.ms).toBeGreaterThanOrEqual(5000);
  expect(r.ms).toBeLessThan(8000);
  clean(r);
});

test('connection reset: retried', async () => {
  emulator.addFault({ path: RUNNERS, reset: true, times: 1 });
  const r = await runWith(5);
  expect(result(r).count).toMatch(/^\d+$/);
  clean(r);
});

test('connection reset forever: one line naming the failure', async () => {
  emulator.addFault({ path: RUNNERS, reset: true, times: 0 });
  const r = await runWith(2);
  expect(failure(r)).toMatch(
    /cannot reach the GitHub API for GET \/orgs\/octo-org\/actions\/runners \(.+\), 2 attempts within the retry budget of 2 s \(CDKTF_GITHUB_RUNNERS_RETRY_BUDGET\): check api_url and the network/,
  );
  clean(r);
});

test('timeout: a slow answer is abandoned and retried', async () => {
  emulator.addFault({ path: RUNNERS, delayMs: 2500, times: 1 });
  const r = await runWith(5, 0.5);
  expect(result(r).count).toMatch(/^\d+$/);
  expect(r.stderr).toMatch(/debug GET \S+ timeout \d+ms/);
  expect(r.ms).toBeLessThan(2500);
  clean(r);
});

test('timeout forever: bounded total time and a clear error', async () => {
  emulator.addFault({ path: RUNNERS, delayMs: 1500, times: 0 });
  const r = await runWith(2, 0.5);
  // 0.5 s, a 1 s backoff, 0.5 s: the next backoff (4 s) would exceed the budget.
  expect(failure(r)).toMatch(
    /GET \/orgs\/octo-org\/actions\/runners timed out after 0\.5 s \(CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT\), 2 attempts within the retry budget of 2 s/,
  );
  expect(r.ms).toBeGreaterThanOrEqual(2000);
  expect(r.ms).toBeLessThan(3500);
  clean(r);
});

test('malformed JSON: a clear error', async () => {
  emulator.addFault({
    path: RUNNERS,
    status: 200,
    body: '{"total_count": 1, "runners": [',
    headers: { 'content-type': 'application/json' },
    times: 0,
  });
  const r = await runWith(3);
  expect(failure(r)).toMatch(
    /GitHub answered GET \/orgs\/octo-org\/actions\/runners with 200 but a body that is not JSON \(application\/json\): check that api_url is the REST API base URL/,
  );
  clean(r);
});

test('an HTML page (wrong api_url) is a clear error', async () => {
  emulator.addFault({ path: RUNNERS, status: 200, body: '<html>sign in</html>', headers: { 'content-type': 'text/html' }, times: 0 });
  const r = await runWith(3);
  expect(failure(r)).toMatch(/body that is not JSON \(text\/html\)/);
});
