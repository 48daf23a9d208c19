import { DataOperation, downloadKey, generationName, jitKey, ownerMarker } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, conn, data, expectNoSecret, result, run, RunResult, SCOPES, uniqueName } from './runtime-process';

/** Every one of the 11 runner operations at all 3 scopes, through the bundled program. */
let emulator: Emulator;
const credential = canaryToken();
const env = { GITHUB_TOKEN: credential };

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
});
afterAll(() => emulator?.close());

function ok(r: RunResult): RunResult {
  expectNoSecret(r, credential);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
}

const json = (r: RunResult) => JSON.parse(ok(r).stdout);

describe.each(SCOPES)('$name scope', (scope) => {
  const cli = (args: string[]) => run([...args, ...scope.flags, '--api-url', emulator.url, '--json'], { env });
  const labelsOf = (id: number) =>
    emulator
      .runners(scope.ref)
      .find((r) => r.id === id)!
      .labels.map((l) => l.name);

  test('list runners: all pages, name and labels filters', async () => {
    const base = uniqueName('list');
    // More than one page (per_page=100), so pagination is exercised.
    for (let i = 0; i < 105; i++) emulator.createRunner(scope.ref, { name: `${base}-${i}`, labels: i % 2 === 0 ? ['even'] : ['odd'] });
    const all = result(ok(await data({ ...conn(emulator), ...scope.query, operation: DataOperation.RUNNERS }, { env })));
    const names = all.names.split(',');
    for (let i = 0; i < 105; i++) expect(names).toContain(`${base}-${i}`);
    expect(Number(all.count)).toBe(emulator.runners(scope.ref).length);
    expect(JSON.parse(all.runners_json)).toHaveLength(Number(all.count));

    const one = result(ok(await data({ ...conn(emulator), ...scope.query, operation: DataOperation.RUNNERS, name: `${base}-7` }, { env })));
    expect(one.count).toBe('1');
    expect(one.names).toBe(`${base}-7`);
    const r = JSON.parse(one.runners_json)[0];
    expect(r).toEqual(expect.objectContaining({ name: `${base}-7`, status: expect.any(String), busy: false }));
    expect(r.labels).toContain('odd');
    expect(String(r.id)).toBe(one.ids);

    const evens = result(
      ok(await data({ ...conn(emulator), ...scope.query, operation: DataOperation.RUNNERS, labels: 'even,self-hosted' }, { env })),
    );
    expect(evens.names.split(',').filter((n) => n.startsWith(`${base}-`))).toHaveLength(53);
  });

  test('get runner', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('get'), labels: ['gpu'], status: 'online' });
    const got = json(await cli(['runners', 'get', '--id', String(r.id)]));
    expect(got).toEqual({ id: r.id, name: r.name, os: r.os, status: 'online', busy: false, labels: r.labels.map((l) => l.name) });
    const byName = json(await cli(['runners', 'get', '--name', r.name]));
    expect(byName.id).toBe(r.id);
  });

  test("delete runner (the destroy provisioner): by name with its identity's marker", async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('delete'), labels: [ownerMarker('identity-1')] });
    const del = ['delete-runner', ...scope.flags, '--api-url', emulator.url, '--name', r.name, '--identity', 'identity-1'];
    const out = ok(await run(del, { env }));
    expect(out.stderr).toContain(`deleted runner "${r.name}" (id ${r.id}) from ${scope.label}`);
    expect(emulator.runners(scope.ref).some((x) => x.id === r.id)).toBe(false);
    // Already gone: success, with a note.
    const again = ok(await run(del, { env }));
    expect(again.stderr).toContain('nothing to delete');
  });

  test('list downloads', async () => {
    const query = { ...conn(emulator), ...scope.query, operation: DataOperation.DOWNLOADS, platforms: 'linux/x64,macos/arm64' };
    const res = result(ok(await data(query, { env })));
    expect(res.latest_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(res[downloadKey('linux/x64', 'filename')]).toBe(`actions-runner-linux-x64-${res.latest_version}.tar.gz`);
    expect(res[downloadKey('linux/x64', 'sha256_checksum')]).toMatch(/^[0-9a-f]{64}$/);
    expect(res[downloadKey('linux/x64', 'download_url')]).toMatch(/^http/);
    expect(res[downloadKey('macos/arm64', 'os')]).toBe('osx');
    expect(res[downloadKey('osx/arm64', 'architecture')]).toBe('arm64');
    expect(res[downloadKey('linux/x64', 'version')]).toBe(res.latest_version);
  });

  test('create registration token', async () => {
    const before = emulator.tokensIssued.filter((t) => t.kind === 'registration' && t.scope === scope.ref).length;
    const res = result(
      ok(await data({ ...conn(emulator), ...scope.query, operation: DataOperation.REGISTRATION_TOKEN, generations: 'a,b' }, { env })),
    );
    expect(res.token.length).toBeGreaterThan(10);
    expect(Date.parse(res.expires_at)).toBeGreaterThan(Date.now());
    expect(res.runner_url).toBe(`${emulator.url}/${scope.webPath}`);
    expect(emulator.tokensIssued.filter((t) => t.kind === 'registration' && t.scope === scope.ref)).toHaveLength(before + 1);
  });

  test('create remove token', async () => {
    const before = emulator.tokensIssued.filter((t) => t.kind === 'remove' && t.scope === scope.ref).length;
    const res = result(ok(await data({ ...conn(emulator), ...scope.query, operation: DataOperation.REMOVE_TOKEN }, { env })));
    expect(res.token.length).toBeGreaterThan(10);
    expect(res.runner_url).toBe(`${emulator.url}/${scope.webPath}`);
    expect(emulator.tokensIssued.filter((t) => t.kind === 'remove' && t.scope === scope.ref)).toHaveLength(before + 1);
  });

  test('generate JIT config: minted once, existing on re-read', async () => {
    const name = uniqueName('jit');
    const spec = JSON.stringify({ name, generation: 'gen-1', labels: ['jit', 'linux'], runner_group: '', work_folder: '_work' });
    const query = { ...conn(emulator), ...scope.query, operation: DataOperation.JIT_CONFIGS, 'runner:a': spec };
    const jits = () => emulator.tokensIssued.filter((t) => t.kind === 'jit' && t.scope === scope.ref).length;
    const before = jits();
    const first = result(ok(await data(query, { env })));
    const ghName = generationName(name, 'gen-1');
    expect(first[jitKey('a', 'status')]).toBe('minted');
    expect(first[jitKey('a', 'runner_name')]).toBe(ghName);
    expect(first[jitKey('a', 'jit_config')].length).toBeGreaterThan(20);
    const created = emulator.runners(scope.ref).find((r) => r.name === ghName)!;
    expect(first[jitKey('a', 'runner_id')]).toBe(String(created.id));
    expect(created.labels.map((l) => l.name)).toEqual(expect.arrayContaining(['jit', 'linux']));
    expect(jits()).toBe(before + 1);

    emulator.clearRequests();
    const second = result(ok(await data(query, { env })));
    expect(second[jitKey('a', 'status')]).toBe('existing');
    expect(second[jitKey('a', 'jit_config')]).toBe('');
    expect(second[jitKey('a', 'runner_id')]).toBe(String(created.id));
    expect(jits()).toBe(before + 1);
    expect(emulator.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('labels: list', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('labels-list'), labels: ['a', 'b'] });
    const labels = json(await cli(['labels', 'list', '--id', String(r.id)]));
    expect(labels.map((l: { name: string }) => l.name)).toEqual(expect.arrayContaining(['self-hosted', 'a', 'b']));
  });

  test('labels: add', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('labels-add'), labels: ['a'] });
    json(await cli(['labels', 'add', '--name', r.name, '--label', 'gpu,big']));
    expect(labelsOf(r.id)).toEqual(expect.arrayContaining(['a', 'gpu', 'big']));
  });

  test('labels: set', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('labels-set'), labels: ['a', 'b'] });
    json(await cli(['labels', 'set', '--id', String(r.id), '--label', 'c']));
    expect(labelsOf(r.id)).toContain('c');
    expect(labelsOf(r.id)).not.toContain('a');
    expect(labelsOf(r.id)).toContain('self-hosted');
  });

  test('labels: remove one', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('labels-remove'), labels: ['a', 'b'] });
    const left = json(await cli(['labels', 'remove', '--id', String(r.id), '--label', 'a']));
    expect(left.map((l: { name: string }) => l.name)).not.toContain('a');
    expect(labelsOf(r.id)).toEqual(expect.arrayContaining(['b']));
    expect(labelsOf(r.id)).not.toContain('a');
  });

  test('labels: remove all', async () => {
    const r = emulator.createRunner(scope.ref, { name: uniqueName('labels-clear'), labels: ['a', 'b'] });
    json(await cli(['labels', 'clear', '--id', String(r.id)]));
    expect(
      emulator
        .runners(scope.ref)
        .find((x) => x.id === r.id)!
        .labels.every((l) => l.type === 'read-only'),
    ).toBe(true);
  });
});
