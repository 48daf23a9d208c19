import { DataOperation, downloadKey, generationName } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, conn, data, expectNoSecret, failure, result, run, uniqueName } from './runtime-process';

/** The human CLI, the provisioner details, the downloads details and the debug output. */
let emulator: Emulator;
const credential = canaryToken();
const env = { GITHUB_TOKEN: credential };
const ORG = ['--org', 'octo-org'];

beforeAll(async () => {
  emulator = await startEmulator({
    seed: { enterprises: ['octo-enterprise'], orgs: ['octo-org'], repos: ['octo-org/octo-repo'], runnerVersion: '2.329.0' },
  });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
});
afterAll(() => emulator?.close());

test('--help and unknown commands', async () => {
  const help = await run(['--help'], { env: {} });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/runners list/);
  expect(help.stdout).toMatch(/delete-runner/);
  const bad = await run(['frobnicate'], { env: {} });
  expect(bad.code).toBe(2);
  expect(failure(bad)).toMatch(/unknown command "frobnicate"; see --help/);
  const badFlag = await run(['runners', 'list', '--orgg', 'x'], { env: {} });
  expect(failure(badFlag)).toMatch(/runners list does not take --orgg/);
});

test('runners list, human and --json; debug lines carry method, path, status and time only', async () => {
  const r1 = emulator.createRunner('org:octo-org', { name: uniqueName('human'), labels: ['gpu'], status: 'online' });
  const human = await run(['runners', 'list', ...ORG, '--api-url', emulator.url, '--label', 'gpu'], { env });
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^ID\s+NAME\s+STATUS\s+BUSY\s+OS\s+LABELS/);
  expect(human.stdout).toContain(r1.name);
  const debugLines = human.stderr.split('\n').filter((l) => l !== '');
  expect(debugLines.length).toBeGreaterThan(0);
  for (const l of debugLines) expect(l).toMatch(/^cdktf-github-runners: debug (GET|POST|PUT|DELETE) \/\S+ \d{3} \d+ms$/);
  expectNoSecret(human, credential);
  const asJson = JSON.parse(
    (await run(['runners', 'list', ...ORG, '--api-url', emulator.url, '--name', r1.name, '--json'], { env })).stdout,
  );
  expect(asJson).toEqual([expect.objectContaining({ id: r1.id, name: r1.name, labels: expect.arrayContaining(['gpu']) })]);
});

test('no debug lines without CDKTF_GITHUB_RUNNERS_DEBUG', async () => {
  const r = await run(['runners', 'list', ...ORG, '--api-url', emulator.url], { env, debug: false });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
});

test('token registration prints the token on stdout only, as asked', async () => {
  const r = await run(['token', 'registration', ...ORG, '--api-url', emulator.url], { env });
  expect(r.code).toBe(0);
  const token = r.stdout.trim();
  expect(token.length).toBeGreaterThan(10);
  expect(r.stderr).not.toContain(token);
  const j = JSON.parse(
    (await run(['token', 'remove', '--repo', 'octo-org/octo-repo', '--api-url', emulator.url, '--json'], { env })).stdout,
  );
  expect(j.runner_url).toBe(`${emulator.url}/octo-org/octo-repo`);
  expectNoSecret(r, credential);
});

test('jit prints the configuration; the emulator-side name is exact', async () => {
  const name = uniqueName('cli-jit');
  const r = await run(['jit', '--name', name, '--label', 'a,b', ...ORG, '--api-url', emulator.url, '--json'], { env });
  const j = JSON.parse(r.stdout);
  expect(j.runner.name).toBe(name);
  expect(j.encoded_jit_config.length).toBeGreaterThan(20);
  expect(r.stderr).not.toContain(j.encoded_jit_config);
});

test('GHES-style /api/v3 base URL: runner_url drops /api/v3', async () => {
  const res = result(
    await data(
      { ...conn(emulator), api_url: `${emulator.url}/api/v3/`, org: 'octo-org', operation: DataOperation.REGISTRATION_TOKEN },
      { env },
    ),
  );
  expect(res.runner_url).toBe(`${emulator.url}/octo-org`);
});

test('downloads: all platforms, pinned versions, aliases, not offered', async () => {
  const all = result(await data({ ...conn(emulator), org: 'octo-org', operation: DataOperation.DOWNLOADS }, { env }));
  expect(all.latest_version).toBe('2.329.0');
  expect(all[downloadKey('linux/arm64', 'filename')]).toBe('actions-runner-linux-arm64-2.329.0.tar.gz');
  expect(all[downloadKey('win/x64', 'filename')]).toBe('actions-runner-win-x64-2.329.0.zip');

  const pinned = result(
    await data(
      { ...conn(emulator), org: 'octo-org', operation: DataOperation.DOWNLOADS, platforms: 'linux/x64@2.321.0, darwin/aarch64@2.329.0' },
      { env },
    ),
  );
  expect(pinned[downloadKey('linux/x64@2.321.0', 'filename')]).toBe('actions-runner-linux-x64-2.321.0.tar.gz');
  expect(pinned[downloadKey('linux/x64@2.321.0', 'download_url')]).toMatch(/2\.321\.0/);
  expect(pinned[downloadKey('linux/x64@2.321.0', 'download_url')]).not.toMatch(/2\.329\.0/);
  expect(pinned[downloadKey('linux/x64@2.321.0', 'sha256_checksum')]).toBe('');
  expect(pinned[downloadKey('linux/x64@2.321.0', 'version')]).toBe('2.321.0');
  expect(pinned[downloadKey('darwin/aarch64@2.329.0', 'sha256_checksum')]).toMatch(/^[0-9a-f]{64}$/);
  expect(pinned[downloadKey('osx/arm64@2.329.0', 'os')]).toBe('osx');
  expect(emulator.requests.filter((q) => q.path.endsWith('/downloads')).length).toBeGreaterThan(0);

  const off = await data({ ...conn(emulator), org: 'octo-org', operation: DataOperation.DOWNLOADS, platforms: 'osx/arm' }, { env });
  expect(failure(off)).toMatch(
    /platform osx\/arm is not offered by GitHub for organization "octo-org"; offered: linux\/arm, linux\/arm64, linux\/x64, osx\/arm64, osx\/x64, win\/arm64, win\/x64/,
  );

  const human = await run(['downloads', ...ORG, '--api-url', emulator.url, '--os', 'macos', '--arch', 'arm64'], { env });
  expect(human.stdout).toMatch(/osx\/arm64 {2}2\.329\.0 {2}\S+actions-runner-osx-arm64-2\.329\.0\.tar\.gz {2}sha256:[0-9a-f]{64}/);
});

test('one downloads call per data-source read', async () => {
  emulator.clearRequests();
  result(
    await data(
      { ...conn(emulator), org: 'octo-org', operation: DataOperation.DOWNLOADS, platforms: 'linux/x64,linux/arm64,win/x64' },
      { env },
    ),
  );
  expect(emulator.requests).toHaveLength(1);
});

test('delete-runner as the constructs call it: --owner/--repository, empty flags, --generation', async () => {
  const base = uniqueName('gen');
  const ghName = generationName(base, 'identity-123');
  const r = emulator.createRunner('repo:octo-org/octo-repo', { name: ghName });
  const out = await run(
    [
      'delete-runner',
      '--api-url',
      emulator.url,
      '--owner',
      'octo-org',
      '--repository',
      'octo-repo',
      '--enterprise',
      '',
      '--credential-env',
      '',
      '--name',
      base,
      '--generation',
      'identity-123',
      '--busy-timeout',
      '300',
    ],
    { env },
  );
  expect(out.code).toBe(0);
  expect(emulator.runners('repo:octo-org/octo-repo').some((x) => x.id === r.id)).toBe(false);
  expectNoSecret(out, credential);
});

test('wait-online: waits for registration and status, and times out clearly', async () => {
  const name = uniqueName('online');
  const pending = run(['wait-online', ...ORG, '--api-url', emulator.url, '--name', name, '--timeout', '30', '--interval', '0.2'], { env });
  await new Promise((r) => setTimeout(r, 700));
  const r = emulator.createRunner('org:octo-org', { name, status: 'offline' });
  await new Promise((res) => setTimeout(res, 700));
  emulator.setRunnerState(r.id, { status: 'online' });
  const done = await pending;
  expect(done.code).toBe(0);
  expect(done.stderr).toContain(`runner "${name}" (id ${r.id}) is online in organization "octo-org"`);

  const never = await run(
    ['wait-online', ...ORG, '--api-url', emulator.url, '--name', uniqueName('never'), '--timeout', '1', '--interval', '0.3'],
    { env },
  );
  expect(failure(never)).toMatch(/is not registered in organization "octo-org" after 1 s: check the machine's runner service logs/);
  expectNoSecret(done, credential);
});

test('starts fast: one data-source call', async () => {
  const started = Date.now();
  const r = await data({ ...conn(emulator), org: 'octo-org', operation: DataOperation.REMOVE_TOKEN }, { env, debug: false });
  expect(r.code).toBe(0);
  // Generous for a shared 2-core machine: node alone takes ~50-100 ms.
  expect(Date.now() - started).toBeLessThan(3000);
});

test('emulator subcommand: serves the API the other commands use, stops on SIGTERM', async () => {
  const { spawn } = await import('child_process');
  const { RUNTIME } = await import('./runtime-process');
  const child = spawn(process.execPath, [RUNTIME, 'emulator', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
      child.stdout.on('data', (d) => {
        lines.push(
          ...String(d)
            .split('\n')
            .filter((l) => l !== ''),
        );
        if (lines.length >= 2) resolve();
      });
    });
    const url = lines[0];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = lines[1].replace(/^GITHUB_TOKEN=/, '');
    const r = await run(['token', 'registration', '--org', 'octo-org', '--api-url', url], { env: { GITHUB_TOKEN: token } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(10);
    expectNoSecret(r, token);
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

test('emulator subcommand: a bad flag is one line', async () => {
  const r = await run(['emulator', '--port', 'x'], { env: {} });
  expect(failure(r)).toMatch(/--port x is not a port number/);
});
