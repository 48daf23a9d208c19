import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ownerMarker } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, expectNoSecret, failure, run, RunResult, uniqueName } from './runtime-process';

/**
 * The destroy and create-time provisioners' ownership rules, through the bundled program, against
 * servers with and without the list's `name` filter (docs/decisions.md, "Ownership and destroy").
 */
const credential = canaryToken();
const ORG = ['--org', 'octo-org'];
const REF = 'org:octo-org';

function ok(r: RunResult): RunResult {
  expectNoSecret(r, credential);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
}

describe.each([true, false])('name filter %s', (nameFilter) => {
  let emulator: Emulator;
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'own-cache-'));
  const env = { GITHUB_TOKEN: credential, XDG_CACHE_HOME: cache };
  beforeAll(async () => {
    emulator = await startEmulator({ nameFilter });
    emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
    // Other runners of the scope: more than one page, so a server without the filter makes the
    // program walk.
    for (let i = 0; i < 150; i++) emulator.createRunner(REF, { name: uniqueName('other') });
  });
  afterAll(() => emulator?.close());
  beforeEach(() => fs.rmSync(path.join(cache, 'cdktf-github-runners'), { recursive: true, force: true }));
  const listings = () => emulator.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/actions/runners')).length;
  const exists = (id: number) => emulator.runners(REF).some((x) => x.id === id);

  test("delete-runner --identity deletes a runner carrying the identity's marker; keeps one without it, saying so", async () => {
    const mine = emulator.createRunner(REF, { name: uniqueName('mine'), labels: ['linux', ownerMarker('ident-1')] });
    const theirs = emulator.createRunner(REF, { name: uniqueName('theirs'), labels: [ownerMarker('ident-other')] });
    const del = (name: string) =>
      run(['delete-runner', ...ORG, '--api-url', emulator.url, '--name', name, '--identity', 'ident-1'], { env });

    expect(ok(await del(mine.name)).stderr).toContain(`deleted runner "${mine.name}" (id ${mine.id})`);
    expect(exists(mine.id)).toBe(false);
    const kept = ok(await del(theirs.name));
    expect(exists(theirs.id)).toBe(true);
    const lines = kept.stderr.split('\n').filter((l) => l !== '' && !l.includes(': debug '));
    expect(lines).toEqual([
      `cdktf-github-runners: kept runner "${theirs.name}" (id ${theirs.id}) in organization "octo-org": it lacks this runner's marker label ${ownerMarker('ident-1')}, ` +
        'so this stack did not register it (registered by hand, by another stack, or before cdktf-github-runners marked its runners); ' +
        `if it is yours, delete it with: cdktf-github-runners runners delete --org octo-org --api-url ${emulator.url} --id ${theirs.id}`,
    ]);
  });

  test('delete-runner --id deletes by the captured id with one request and no listing; 404 is gone', async () => {
    const jit = emulator.createRunner(REF, { name: uniqueName('jit') });
    emulator.clearRequests();
    const out = ok(await run(['delete-runner', ...ORG, '--api-url', emulator.url, '--id', String(jit.id), '--name', jit.name], { env }));
    expect(out.stderr).toContain(`deleted runner id ${jit.id}`);
    expect(emulator.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      `DELETE /orgs/octo-org/actions/runners/${jit.id} 204`,
    ]);
    expect(listings()).toBe(0);
    const again = ok(await run(['delete-runner', ...ORG, '--api-url', emulator.url, '--id', String(jit.id), '--name', jit.name], { env }));
    expect(again.stderr).toContain(`runner id ${jit.id} was already gone`);
    expect(again.stderr).toContain(`runner "${jit.name}" not found`);
  });

  test('delete-runner --id: gone by id, but minted again under its JIT name (GitHub removed the ephemeral runner, a later read minted it): deleted by name, none left', async () => {
    const first = emulator.createRunner(REF, { name: uniqueName('jit-again') });
    // GitHub removes the ephemeral runner after its job; the next read mints one of the same name.
    const deleted = await fetch(`${emulator.url}/orgs/octo-org/actions/runners/${first.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(deleted.status).toBe(204);
    const again = emulator.createRunner(REF, { name: first.name });
    const out = ok(
      await run(['delete-runner', ...ORG, '--api-url', emulator.url, '--id', String(first.id), '--name', first.name], { env }),
    );
    expect(out.stderr).toContain(`runner id ${first.id} was already gone`);
    expect(out.stderr).toContain(`deleted runner "${first.name}" (id ${again.id})`);
    expect(emulator.runners(REF).filter((r) => r.name === first.name)).toEqual([]);
  });

  test('delete-runner refuses a by-name deletion without an identity or generation', async () => {
    const r = await run(['delete-runner', ...ORG, '--api-url', emulator.url, '--name', 'anything'], { env });
    expect(failure(r)).toMatch(/delete-runner needs --id, or --name with --identity .* or --generation/);
  });

  test("check-name: passes for a new name and for this identity's runner, fails for a runner registered by someone else", async () => {
    const check = (name: string) =>
      run(['check-name', ...ORG, '--api-url', emulator.url, '--name', name, '--identity', 'ident-2'], { env });
    emulator.clearRequests();
    ok(await check(uniqueName('new')));
    if (nameFilter) expect(emulator.requests).toHaveLength(1);
    const mine = emulator.createRunner(REF, { name: uniqueName('mine'), labels: [ownerMarker('ident-2')] });
    ok(await check(mine.name));
    const byHand = emulator.createRunner(REF, { name: uniqueName('byhand') });
    // A listing up to 60 s old is trusted for a name's absence (docs/decisions.md): start afresh.
    fs.rmSync(path.join(cache, 'cdktf-github-runners'), { recursive: true, force: true });
    expect(failure(await check(byHand.name.toUpperCase()))).toBe(
      `cdktf-github-runners: runner "${byHand.name}" (id ${byHand.id}) already exists in organization "octo-org" and this stack did not register it ` +
        `(it lacks the marker label ${ownerMarker('ident-2')}): its VM would take it over (config.sh --replace); give this runner another name, ` +
        `or delete that runner first if it is yours (cdktf-github-runners runners delete --org octo-org --api-url ${emulator.url} --id ${byHand.id})`,
    );
  });
});

describe('a server without the name filter', () => {
  let emulator: Emulator;
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'own-cache-'));
  const env = { GITHUB_TOKEN: credential, XDG_CACHE_HOME: cache };
  beforeAll(async () => {
    emulator = await startEmulator({ nameFilter: false, seed: { rateLimit: 1_000_000 } });
    emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
  });
  afterAll(() => emulator?.close());

  test('250 runners deleted by 10 processes at a time: none left, at most 2 requests per runner, one listing shared', async () => {
    const base = uniqueName('fleet');
    const fleet = Array.from({ length: 250 }, (_, i) =>
      emulator.createRunner(REF, { name: `${base}-${i}`, labels: [ownerMarker(`id-${i}`)] }),
    );
    for (let i = 0; i < 30; i++) emulator.createRunner(REF, { name: uniqueName('bystander') });
    emulator.clearRequests();
    // Last registered first: those runners are not on page 1, so the processes walk the list and
    // share the walk through the cache (a runner found on page 1 costs its lookup and its delete).
    const queue = fleet
      .map(
        (r, i) => () =>
          run(['delete-runner', ...ORG, '--api-url', emulator.url, '--name', r.name, '--identity', `id-${i}`], { env, debug: false }),
      )
      .reverse();
    const results: RunResult[] = [];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) results.push(ok(await job()));
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    expect(results.filter((r) => /deleted runner/.test(r.stderr))).toHaveLength(250);
    expect(emulator.runners(REF).filter((r) => r.name.startsWith(`${base}-`))).toEqual([]);
    expect(emulator.runners(REF)).toHaveLength(30);
    const deletes = emulator.requests.filter((q) => q.method === 'DELETE').length;
    const lists = emulator.requests.filter((q) => q.method === 'GET').length;
    expect(deletes).toBe(250);
    expect(deletes + lists).toBeLessThanOrEqual(2 * 250);
    // The cache file holds runner ids, names and labels only, readable by this user alone.
    const dir = path.join(cache, 'cdktf-github-runners');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(dir, files[0])).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, files[0]), 'utf8')).not.toContain(credential);
  });

  test('a cached listing dated in the future (a clock stepped back) is not trusted: the runner is found and deleted', async () => {
    const base = uniqueName('future');
    const fleet = Array.from({ length: 120 }, (_, i) =>
      emulator.createRunner(REF, { name: `${base}-${i}`, labels: [ownerMarker(`fid-${i}`)] }),
    );
    const del = (i: number) =>
      run(['delete-runner', ...ORG, '--api-url', emulator.url, '--name', fleet[i].name, '--identity', `fid-${i}`], { env, debug: false });
    // The last runner is not on page 1: its deletion walks the list and leaves a cache file.
    ok(await del(119));
    const dir = path.join(cache, 'cdktf-github-runners');
    const [file] = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(dir, f));
    const future = Date.now() + 10 * 60_000;
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...data, walkStartedAt: future, runners: [] }));
    fs.utimesSync(file, future / 1000, future / 1000);
    const out = ok(await del(110));
    expect(out.stderr).toContain(`deleted runner "${fleet[110].name}"`);
    expect(emulator.runners(REF).some((r) => r.id === fleet[110].id)).toBe(false);
  });

  test('a lookup walking pages while other runners are deleted still finds its runner (pages read from the last to the first)', async () => {
    const base = uniqueName('shrink');
    // Ours is on page 3; 150 runners before it go while the walk is under way.
    const before = Array.from({ length: 250 }, (_, i) => emulator.createRunner(REF, { name: `${base}-a${i}` }));
    const ours = emulator.createRunner(REF, { name: `${base}-ours`, labels: [ownerMarker('walk')] });
    for (let i = 0; i < 40; i++) emulator.createRunner(REF, { name: `${base}-z${i}` });
    // Every list answer is slow, so the deletions land between the pages of the walk.
    emulator.addFault({ method: 'GET', path: '/actions/runners$', headers: {}, delayMs: 300, times: 0 });
    const pending = run(['delete-runner', ...ORG, '--api-url', emulator.url, '--name', ours.name, '--identity', 'walk'], {
      env: { ...env, XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'own-cache-')) },
    });
    await new Promise((r) => setTimeout(r, 400));
    for (const r of before.slice(0, 150))
      await fetch(`${emulator.url}/orgs/octo-org/actions/runners/${r.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${credential}` },
      });
    const out = ok(await pending);
    emulator.clearFaults();
    expect(out.stderr).toContain(`deleted runner "${ours.name}" (id ${ours.id})`);
    expect(emulator.runners(REF).some((r) => r.id === ours.id)).toBe(false);
  });

  test('a listing longer than the page cap fails loudly instead of reporting the runner gone', async () => {
    const big = 'org:big-org';
    emulator.addScope(big);
    for (let i = 0; i < 100_001; i++) emulator.createRunner(big, { name: `r${i}` });
    const r = await run(['delete-runner', '--org', 'big-org', '--api-url', emulator.url, '--name', 'r100000', '--identity', 'x'], { env });
    expect(failure(r)).toMatch(
      /organization "big-org" lists 100001 runners, more than this program walks \(1000 pages of 100\): it stopped rather than report a runner missing/,
    );
  });
});
