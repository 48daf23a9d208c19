/**
 * The emulator as the GHES of the REST reference pages describes it (`ghesLegacy`), enterprise
 * ids, names created on first use, and the CLI's flags and help. Plain fetch: the legacy answers
 * (no sha256_checksum) are older than the OpenAPI descriptions `support/github.ts` validates against.
 */
import { Emulator, startEmulator } from '../../lib/emulator';
import { HELP, runEmulatorCli } from '../../lib/emulator/emulator-cli';
import { fakeToken } from './support/github';

const token = fakeToken();
const adminEnterprise = fakeToken();
const publicRepoOnly = fakeToken();
const emulators: Emulator[] = [];

async function emulator(opts: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator({ ...opts, seed: { publicRepos: ['octo-org/site'], ...opts.seed } });
  emu.addToken({ token, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
  emu.addToken({ token: adminEnterprise, kind: 'classic', scopes: ['admin:enterprise'] });
  emu.addToken({ token: publicRepoOnly, kind: 'classic', scopes: ['public_repo'] });
  emulators.push(emu);
  return emu;
}
afterAll(() => Promise.all(emulators.map((e) => e.close())));

async function get(emu: Emulator | string, path: string, credential = token, method = 'GET'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${typeof emu === 'string' ? emu : emu.url}${path}`, {
    method,
    headers: { authorization: `token ${credential}` },
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

test('G5: ghesLegacy: downloads carry os, architecture, download_url and filename only; the default mode adds sha256_checksum', async () => {
  const legacy = await emulator({ ghesLegacy: true });
  const modern = await emulator();
  const a = await get(legacy, '/api/v3/orgs/octo-org/actions/runners/downloads');
  expect(a.status).toBe(200);
  for (const d of a.body) expect(Object.keys(d).sort()).toEqual(['architecture', 'download_url', 'filename', 'os']);
  const b = await get(modern, '/orgs/octo-org/actions/runners/downloads');
  for (const d of b.body) expect(d.sha256_checksum).toMatch(/^[0-9a-f]{64}$/);
});

test('G6: ghesLegacy (or nameFilter: false) lists every runner whatever `name` says; per_page and page still page', async () => {
  const legacy = await emulator({ ghesLegacy: true });
  for (const emu of [legacy, await emulator({ nameFilter: false })]) {
    for (let i = 1; i <= 5; i++) emu.createRunner('org:octo-org', { name: `r-${i}` });
    const all = await get(emu, '/orgs/octo-org/actions/runners?name=r-3&per_page=2&page=2');
    expect(all.body.total_count).toBe(5);
    expect(all.body.runners.map((r: any) => r.name)).toEqual(['r-3', 'r-4']);
  }
  // The reference's runner shape: no ephemeral, runner_group_id or version.
  const one = (await get(legacy, '/orgs/octo-org/actions/runners?per_page=1')).body.runners[0];
  expect(Object.keys(one).sort()).toEqual(['busy', 'id', 'labels', 'name', 'os', 'status']);
  const filtering = await emulator();
  filtering.createRunner('org:octo-org', { name: 'r-1' });
  filtering.createRunner('org:octo-org', { name: 'r-2' });
  expect((await get(filtering, '/orgs/octo-org/actions/runners?name=r-2')).body.runners.map((r: any) => r.name)).toEqual(['r-2']);
});

test('G7: an enterprise answers by id or slug, with admin:enterprise or manage_runners:enterprise; an unknown id is 404', async () => {
  const emu = await emulator({ seed: { enterprises: ['octo-enterprise', 'second-enterprise'] } });
  expect(emu.enterpriseId('octo-enterprise')).toBe(1);
  expect(emu.enterpriseId('second-enterprise')).toBe(2);
  emu.createRunner('enterprise:second-enterprise', { name: 'ent-runner' });
  for (const who of [token, adminEnterprise]) {
    for (const ref of ['second-enterprise', '2']) {
      const list = await get(emu, `/enterprises/${ref}/actions/runners`, who);
      expect(list.status).toBe(200);
      expect(list.body.runners.map((r: any) => r.name)).toEqual(['ent-runner']);
    }
  }
  expect((await get(emu, '/enterprises/2/actions/runners/registration-token', adminEnterprise, 'POST')).status).toBe(201);
  expect((await get(emu, '/enterprises/99/actions/runners')).status).toBe(404);
});

test('G8: public_repo works for a public repository in ghesLegacy only, never for a private one or an organization', async () => {
  const legacy = await emulator({ ghesLegacy: true });
  expect((await get(legacy, '/repos/octo-org/site/actions/runners', publicRepoOnly)).status).toBe(200);
  expect((await get(legacy, '/repos/octo-org/site/actions/runners/registration-token', publicRepoOnly, 'POST')).status).toBe(201);
  expect((await get(legacy, '/repos/octo-org/octo-repo/actions/runners', publicRepoOnly)).status).toBe(403);
  expect((await get(legacy, '/orgs/octo-org/actions/runners', publicRepoOnly)).status).toBe(403);
  const modern = await emulator();
  expect((await get(modern, '/repos/octo-org/site/actions/runners', publicRepoOnly)).status).toBe(403);
});

test('G9: any enterprise, organization or repository name works, created on first use; createScopes: false answers 404', async () => {
  const open = await emulator();
  for (const prefix of ['/orgs/my-company', '/repos/my-company/app', '/enterprises/my-enterprise']) {
    expect((await get(open, `${prefix}/actions/runners/registration-token`, token, 'POST')).status).toBe(201);
  }
  expect(open.runners('org:my-company')).toEqual([]);
  // Created with the name as the client spelled it; looked up case-insensitively, as GitHub does.
  expect((await get(open, '/orgs/Mixed-Case/actions/runners')).status).toBe(200);
  expect(open.runners('org:mixed-case')).toEqual([]);
  expect((await get(open, '/enterprises/42/actions/runners')).status).toBe(404);
  const strict = await emulator({ createScopes: false });
  expect((await get(strict, '/orgs/my-company/actions/runners')).status).toBe(404);
});

test('G10: emulator --help documents every flag and the seed format; --org, --strict-scopes and --ghes-legacy apply', async () => {
  const lines: string[] = [];
  await runEmulatorCli(['--help'], { stdout: (l) => lines.push(l) });
  const help = lines.join('\n');
  expect(help).toBe(HELP);
  for (const flag of [
    '--port',
    '--seed',
    '--latency',
    '--org',
    '--repo',
    '--enterprise',
    '--strict-scopes',
    '--ghes-legacy',
    '--no-name-filter',
  ]) {
    expect(help).toContain(`  ${flag}`);
  }
  for (const field of [
    '"enterprises"',
    '"orgs"',
    '"repos"',
    '"publicRepos"',
    '"tokens"',
    '"apps"',
    '"runnerVersion"',
    '"platforms"',
    '"runnerGroups"',
    '"tempDownloadTokens"',
    '"rateLimit"',
  ]) {
    expect(help).toContain(field);
  }

  const out: string[] = [];
  const stop = new AbortController();
  const running = runEmulatorCli(['--org', 'acme', '--strict-scopes', '--ghes-legacy'], {
    stdout: (l) => out.push(l),
    stderr: () => undefined,
    env: { GITHUB_TOKEN: token },
    signal: stop.signal,
  });
  for (let i = 0; i < 500 && out.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  try {
    const url = out[0];
    const dl = await get(url, '/orgs/acme/actions/runners/downloads');
    expect(dl.status).toBe(200);
    expect(dl.body[0].sha256_checksum).toBeUndefined();
    expect((await get(url, '/orgs/not-given/actions/runners')).status).toBe(404);
  } finally {
    stop.abort();
    await running;
  }
});
