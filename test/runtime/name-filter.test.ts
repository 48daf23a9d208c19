/**
 * By-name lookups on a server that ignores the list's `name` parameter (the GHES reference lists
 * with `per_page` and `page` only), and enterprises given by id.
 */
import { EnterpriseRunner, EnterpriseRunnerToken } from '../../lib';
import { Emulator, startEmulator } from '../../lib/emulator';
import { synthJson } from '../constructs/synth';
import { ALL_SCOPES, canaryToken, data, result, run } from './runtime-process';

let emulator: Emulator;
const token = canaryToken();
const env = { GITHUB_TOKEN: token };

beforeAll(async () => {
  emulator = await startEmulator({ nameFilter: false });
  emulator.addToken({ token, kind: 'classic', scopes: ALL_SCOPES });
  // Three pages of 100: the runner looked up sits on the first one.
  for (let i = 1; i <= 250; i++)
    emulator.createRunner('org:octo-org', { name: `r-${i}`, status: i === 7 ? 'online' : 'offline', labels: i === 7 ? ['gpu'] : [] });
});
afterAll(() => emulator?.close());

const listCalls = () => emulator.requests.filter((r) => r.path === '/orgs/octo-org/actions/runners').length;

test('G11: wait-online and the Runners data source stop at the page holding the name, and stay exact when the server ignores it', async () => {
  let before = listCalls();
  const waited = await run(['wait-online', '--org', 'octo-org', '--api-url', emulator.url, '--name', 'r-7', '--timeout', '5'], {
    env,
    debug: false,
  });
  expect(waited.stderr).toContain('runner "r-7" (id ');
  expect(waited.code).toBe(0);
  expect(listCalls() - before).toBe(1);

  before = listCalls();
  const found = result(
    await data({ operation: 'runners', api_url: emulator.url, org: 'octo-org', name: 'r-7', labels: 'gpu' }, { env, debug: false }),
  );
  expect(listCalls() - before).toBe(1);
  expect(found.names).toBe('r-7');
  expect(JSON.parse(found.runners_json)).toEqual([
    expect.objectContaining({ name: 'r-7', status: 'online', labels: expect.arrayContaining(['gpu']) }),
  ]);

  // A name nobody has: every page is read (3 for 250 runners, from the last one down, then page 1
  // once more, so that a runner moved down by a concurrent deletion is not missed), and nothing
  // else is returned.
  before = listCalls();
  const none = result(await data({ operation: 'runners', api_url: emulator.url, org: 'octo-org', name: 'r-2500' }, { env, debug: false }));
  expect(listCalls() - before).toBe(4);
  expect(none.count).toBe('0');
  // A prefix is not a match: r-1 is not r-10.
  const exact = result(await data({ operation: 'runners', api_url: emulator.url, org: 'octo-org', name: 'r-1' }, { env, debug: false }));
  expect(exact.names).toBe('r-1');
});

test('G12: an enterprise by id: the API is called with the id, and runner_url stays empty since config.sh needs the slug', async () => {
  const id = String(emulator.enterpriseId('octo-enterprise'));
  const t = result(await data({ operation: 'registration-token', api_url: emulator.url, enterprise: id }, { env, debug: false }));
  expect(t.token).not.toBe('');
  expect(t.runner_url).toBe('');
  const bySlug = result(
    await data({ operation: 'registration-token', api_url: emulator.url, enterprise: 'octo-enterprise' }, { env, debug: false }),
  );
  expect(bySlug.runner_url).toBe(`${emulator.url}/enterprises/octo-enterprise`);
  expect(emulator.requests.some((r) => r.path === `/enterprises/${id}/actions/runners/registration-token` && r.status === 201)).toBe(true);
});

test('G13: constructs take an enterprise id for JIT runners and tokens; a registration-token runner by id fails synth in one line', () => {
  expect(() => synthJson((s) => new EnterpriseRunner(s, 'R', { enterprise: '42', name: 'r' }))).toThrow(
    /^test\/R: enterprise "42" is an id: a registration-token runner's config\.sh --url needs the enterprise slug \(https:\/\/HOST\/enterprises\/SLUG\), which the REST API does not tell from an id; give the slug, or set jit: true \(a JIT configuration carries its own URL\)$/,
  );
  const json = synthJson((s) => {
    new EnterpriseRunner(s, 'R', { enterprise: '42', name: 'r', jit: true });
    new EnterpriseRunnerToken(s, 'T', { enterprise: '42' });
  });
  const queries = Object.values<any>(json.data.external).map((d) => d.query);
  expect(queries.map((q) => q.enterprise)).toEqual(['42', '42']);
});
