import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_CLASSIC_SCOPES, call, fakeToken, SCOPES } from './support/github';

/** Every runner route at every scope, at the root and under GHES's /api/v3; each answer is schema-checked by `call`. */

let emu: Emulator;
const token = fakeToken();

beforeAll(async () => {
  emu = await startEmulator({
    seed: {
      tokens: [{ token, kind: 'classic', scopes: ALL_CLASSIC_SCOPES }],
      runnerGroups: [
        { scope: 'org:octo-org', name: 'linux-fleet' },
        { scope: 'enterprise:octo-enterprise', name: 'shared', id: 42 },
      ],
    },
  });
});
afterAll(() => emu.close());

const CASES = SCOPES.flatMap((s) => ['', '/api/v3'].map((api) => ({ ...s, api, label: `${s.kind}${api}` })));

describe.each(CASES)('$label', (s) => {
  const base = `${s.api}${s.prefix}/actions/runners`;
  let seq = 0;
  const unique = (what: string) => `${what}-${s.kind}${s.api ? '-ghes' : ''}-${++seq}`;

  test('registration and remove tokens: 201, 29 uppercase alphanumerics, one hour on the emulator clock', async () => {
    for (const kind of ['registration', 'remove']) {
      const before = emu.clock.now();
      const a = await call(emu, 'POST', `${base}/${kind}-token`, { token });
      expect(a.status).toBe(201);
      expect(a.body.token).toMatch(/^[A-Z0-9]{29}$/);
      const expires = Date.parse(a.body.expires_at);
      expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(expires).toBeLessThanOrEqual(emu.clock.now() + 3600_000 + 1000);
    }
    expect(emu.tokensIssued.filter((t) => t.scope === s.ref).map((t) => t.kind)).toEqual(
      expect.arrayContaining(['registration', 'remove']),
    );
    expect(JSON.stringify(emu.tokensIssued)).not.toMatch(/"token"/);
  });

  test('downloads: every default platform with a checksum and an archive the emulator serves', async () => {
    const a = await call(emu, 'GET', `${base}/downloads`, { token });
    expect(a.status).toBe(200);
    expect(a.body.map((d: { os: string; architecture: string }) => `${d.os}/${d.architecture}`)).toEqual([
      'linux/x64',
      'linux/arm',
      'linux/arm64',
      'osx/x64',
      'osx/arm64',
      'win/x64',
      'win/arm64',
    ]);
    for (const d of a.body) {
      expect(d.filename).toBe(`actions-runner-${d.os}-${d.architecture}-2.329.0.${d.os === 'win' ? 'zip' : 'tar.gz'}`);
      expect(d.download_url).toBe(`${emu.url}/_emulator/downloads/v2.329.0/${d.filename}`);
      expect(d.sha256_checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(d.temp_download_token).toBeUndefined();
    }
  });

  test('JIT config: 201 with an offline ephemeral runner, 409 on the same name, 422/400 on bad bodies', async () => {
    const name = unique('jit');
    const a = await call(emu, 'POST', `${base}/generate-jitconfig`, {
      token,
      body: { name, runner_group_id: 1, labels: ['self-hosted', 'X64', 'gpu'], work_folder: 'w' },
    });
    expect(a.status).toBe(201);
    expect(a.body.runner).toMatchObject({ name, os: 'unknown', status: 'offline', busy: false, ephemeral: true, runner_group_id: 1 });
    expect(a.body.runner.labels.map((l: { name: string; type: string }) => `${l.name}:${l.type}`)).toEqual([
      'self-hosted:read-only',
      'X64:read-only',
      'gpu:custom',
    ]);
    const outer = JSON.parse(Buffer.from(a.body.encoded_jit_config, 'base64').toString());
    const runnerFile = JSON.parse(Buffer.from(outer['.runner'], 'base64').toString());
    expect(runnerFile).toMatchObject({ agentId: a.body.runner.id, agentName: name, workFolder: 'w', gitHubUrl: `${emu.url}${s.webPath}` });
    expect(emu.runners(s.ref).find((r) => r.name === name)).toMatchObject({ jit: true, ephemeral: true, scope: s.ref });

    const dup = await call(emu, 'POST', `${base}/generate-jitconfig`, { token, body: { name, runner_group_id: 1, labels: ['x'] } });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toContain('Already exists');

    const bad = [
      { name: unique('b') },
      { name: unique('b'), runner_group_id: 1, labels: [] },
      { name: unique('b'), runner_group_id: 1, labels: Array.from({ length: 101 }, (_, i) => `l${i}`) },
      { name: unique('b'), labels: ['x'] },
      { name: '', runner_group_id: 1, labels: ['x'] },
      { name: unique('b'), runner_group_id: '1', labels: ['x'] },
      [],
    ];
    for (const body of bad) expect((await call(emu, 'POST', `${base}/generate-jitconfig`, { token, body })).status).toBe(422);
    expect((await call(emu, 'POST', `${base}/generate-jitconfig`, { token, raw: '{"name": ' })).status).toBe(400);
    const group = await call(emu, 'POST', `${base}/generate-jitconfig`, {
      token,
      body: { name: unique('g'), runner_group_id: 999, labels: ['x'] },
    });
    expect(group.status).toBe(404);
  });

  test('get and delete a runner; 404 for unknown ids and for runners of another scope; 422 while busy', async () => {
    const r = emu.createRunner(s.ref, { name: unique('r'), labels: ['a'] });
    const got = await call(emu, 'GET', `${base}/${r.id}`, { token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: r.id, name: r.name, os: 'linux', status: 'offline', busy: false });
    expect((await call(emu, 'GET', `${base}/999999`, { token })).status).toBe(404);
    const other = SCOPES.find((o) => o.ref !== s.ref)!;
    const foreign = emu.createRunner(other.ref, { name: unique('foreign') });
    expect((await call(emu, 'GET', `${base}/${foreign.id}`, { token })).status).toBe(404);
    expect((await call(emu, 'DELETE', `${base}/${foreign.id}`, { token })).status).toBe(404);

    emu.setRunnerState(r.id, { busy: true, status: 'online' });
    const busy = await call(emu, 'DELETE', `${base}/${r.id}`, { token });
    expect(busy.status).toBe(422);
    expect(busy.body.message).toContain('still running a job');
    emu.setRunnerState(r.id, { busy: false });
    const del = await call(emu, 'DELETE', `${base}/${r.id}`, { token });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(emu, 'GET', `${base}/${r.id}`, { token })).status).toBe(404);
    expect((await call(emu, 'DELETE', `${base}/${r.id}`, { token })).status).toBe(404);
  });

  test('labels: list, add, replace, remove one, remove all; read-only labels stay', async () => {
    const r = emu.createRunner(s.ref, { name: unique('lab'), labels: ['gpu'] });
    const names = (a: { body: { labels: { name: string }[] } }) => a.body.labels.map((l) => l.name);
    const got = await call(emu, 'GET', `${base}/${r.id}/labels`, { token });
    expect(got.status).toBe(200);
    expect(got.body.total_count).toBe(4);
    expect(got.body.labels.map((l: { name: string; type: string }) => `${l.name}:${l.type}`)).toEqual([
      'self-hosted:read-only',
      'Linux:read-only',
      'X64:read-only',
      'gpu:custom',
    ]);

    const added = await call(emu, 'POST', `${base}/${r.id}/labels`, { token, body: { labels: ['big', 'GPU'] } });
    expect(added.status).toBe(200);
    expect(names(added)).toEqual(['self-hosted', 'Linux', 'X64', 'gpu', 'big']);
    expect((await call(emu, 'POST', `${base}/${r.id}/labels`, { token, body: { labels: [] } })).status).toBe(422);
    expect((await call(emu, 'POST', `${base}/${r.id}/labels`, { token, body: {} })).status).toBe(422);

    const replaced = await call(emu, 'PUT', `${base}/${r.id}/labels`, { token, body: { labels: ['one', 'two'] } });
    expect(names(replaced)).toEqual(['self-hosted', 'Linux', 'X64', 'one', 'two']);

    const removed = await call(emu, 'DELETE', `${base}/${r.id}/labels/one`, { token });
    expect(removed.status).toBe(200);
    expect(names(removed)).toEqual(['self-hosted', 'Linux', 'X64', 'two']);
    expect((await call(emu, 'DELETE', `${base}/${r.id}/labels/one`, { token })).status).toBe(404);
    expect((await call(emu, 'DELETE', `${base}/${r.id}/labels/self-hosted`, { token })).status).toBe(422);

    const cleared = await call(emu, 'DELETE', `${base}/${r.id}/labels`, { token });
    expect(cleared.status).toBe(200);
    expect(names(cleared)).toEqual(['self-hosted', 'Linux', 'X64']);
    const emptied = await call(emu, 'PUT', `${base}/${r.id}/labels`, { token, body: { labels: ['x'] } });
    expect(names(emptied)).toContain('x');
    expect(names(await call(emu, 'PUT', `${base}/${r.id}/labels`, { token, body: { labels: [] } }))).toEqual([
      'self-hosted',
      'Linux',
      'X64',
    ]);
    expect((await call(emu, 'GET', `${base}/999999/labels`, { token })).status).toBe(404);
  });

  test('list: exact name filter, pagination with GitHub Link headers, per_page capped at 100', async () => {
    const ref = s.ref;
    const names = Array.from({ length: 65 }, () => unique('page'));
    for (const name of names) emu.createRunner(ref, { name });
    const total = emu.runners(ref).length;

    const filtered = await call(emu, 'GET', `${base}?name=${encodeURIComponent(names[7])}`, { token });
    expect(filtered.body.total_count).toBe(1);
    expect(filtered.body.runners[0].name).toBe(names[7]);
    expect((await call(emu, 'GET', `${base}?name=${names[7]}-nope`, { token })).body).toEqual({ total_count: 0, runners: [] });

    const first = await call(emu, 'GET', base, { token });
    expect(first.body.total_count).toBe(total);
    expect(first.body.runners).toHaveLength(30);
    const lastPage = Math.ceil(total / 30);
    const url = (p: number) => `${emu.url}${base}?per_page=30&page=${p}`;
    expect(first.headers.get('link')).toBe(`<${url(2)}>; rel="next", <${url(lastPage)}>; rel="last"`);

    const middle = await call(emu, 'GET', `${base}?page=2`, { token });
    expect(middle.headers.get('link')).toBe(
      `<${url(1)}>; rel="prev", <${url(3)}>; rel="next", <${url(lastPage)}>; rel="last", <${url(1)}>; rel="first"`,
    );
    const last = await call(emu, 'GET', `${base}?page=${lastPage}`, { token });
    expect(last.headers.get('link')).toBe(`<${url(lastPage - 1)}>; rel="prev", <${url(1)}>; rel="first"`);
    expect(last.body.runners).toHaveLength(total - 30 * (lastPage - 1));

    const capped = await call(emu, 'GET', `${base}?per_page=500`, { token });
    expect(capped.body.runners).toHaveLength(Math.min(total, 100));
    const ids = capped.body.runners.map((r: { id: number }) => r.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const small = await call(emu, 'GET', `${base}?per_page=2&page=2`, { token });
    expect(small.body.runners.map((r: { id: number }) => r.id)).toEqual(ids.slice(2, 4));
  });
});

describe('runner groups', () => {
  test('organizations and enterprises list Default (id 1) and seeded groups; repositories have none', async () => {
    for (const api of ['', '/api/v3']) {
      const org = await call(emu, 'GET', `${api}/orgs/octo-org/actions/runner-groups`, { token });
      expect(org.status).toBe(200);
      expect(org.body.runner_groups.map((g: { id: number; name: string; default: boolean }) => [g.id, g.name, g.default])).toEqual([
        [1, 'Default', true],
        [2, 'linux-fleet', false],
      ]);
      const ent = await call(emu, 'GET', `${api}/enterprises/octo-enterprise/actions/runner-groups`, { token });
      expect(ent.body).toMatchObject({
        total_count: 2,
        runner_groups: [
          { id: 1, name: 'Default' },
          { id: 42, name: 'shared' },
        ],
      });
      expect((await call(emu, 'GET', `${api}/repos/octo-org/octo-repo/actions/runner-groups`, { token })).status).toBe(404);
    }
  });

  test('a JIT runner joins a seeded group by id', async () => {
    const a = await call(emu, 'POST', '/orgs/octo-org/actions/runners/generate-jitconfig', {
      token,
      body: { name: 'grouped', runner_group_id: 2, labels: ['x'] },
    });
    expect(a.status).toBe(201);
    expect(a.body.runner.runner_group_id).toBe(2);
  });
});

describe('names are case-insensitive like GitHub', () => {
  test('scopes and runner names match regardless of case', async () => {
    const r = emu.createRunner('org:octo-org', { name: 'MixedCase' });
    expect((await call(emu, 'GET', `/orgs/OCTO-ORG/actions/runners/${r.id}`, { token })).status).toBe(200);
    expect((await call(emu, 'GET', '/orgs/octo-org/actions/runners?name=mixedcase', { token })).body.runners[0].id).toBe(r.id);
    expect(() => emu.createRunner('org:octo-org', { name: 'MIXEDCASE' })).toThrow(/already exists/);
  });
});

test('nameFilter: false answers every runner of the scope, page by page, whatever the name asked for', async () => {
  const legacy = await startEmulator({ nameFilter: false, seed: { tokens: [{ token, kind: 'classic', scopes: ALL_CLASSIC_SCOPES }] } });
  try {
    for (let i = 0; i < 120; i++) legacy.createRunner('org:octo-org', { name: `legacy-${i}` });
    const base = '/orgs/octo-org/actions/runners';
    const named = await call(legacy, 'GET', `${base}?name=legacy-7&per_page=100&page=2`, { token });
    expect(named.body.total_count).toBe(120);
    expect(named.body.runners.map((r: any) => r.name)).toEqual(Array.from({ length: 20 }, (_, i) => `legacy-${100 + i}`));
    expect((await call(legacy, 'GET', `${base}?name=nobody`, { token })).body.total_count).toBe(120);
  } finally {
    await legacy.close();
  }
});
