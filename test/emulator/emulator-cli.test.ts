import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runEmulatorCli } from '../../lib/emulator/emulator-cli';
import { call, fakeToken } from './support/github';

/** `emulator [--port N] [--seed FILE] [--latency MS]` as a real process, bundled the way the runtime bundles it. */

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-cli-'));
  bundle = path.join(dir, 'emulator.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild');
  await esbuild.build({
    stdin: {
      contents:
        "import { runEmulatorCli } from './emulator-cli';\nrunEmulatorCli(process.argv.slice(2)).catch((e) => { console.error(e.message); process.exitCode = 1; });\n",
      resolveDir: path.join(__dirname, '..', '..', 'lib', 'emulator'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    outfile: bundle,
    logLevel: 'silent',
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let err = '';
    let buf = '';
    const exited = new Promise<number | null>((r) => child.on('close', r));
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (lines.length > 0) resolve({ child, lines, stderr: () => err, exited });
    });
    child.on('error', reject);
    void exited.then((code) => resolve({ child, lines, stderr: () => err, exited: Promise.resolve(code) }));
  });
}

test('prints its URL first, then a generated token once; serves until SIGTERM', async () => {
  const s = await start([]);
  await new Promise((r) => setTimeout(r, 100));
  expect(s.lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(s.lines[1]).toMatch(/^GITHUB_TOKEN=ghp_[A-Za-z0-9]{36}$/);
  const token = s.lines[1].slice('GITHUB_TOKEN='.length);
  for (const base of ['', '/api/v3']) {
    expect(
      (await call(s.lines[0], 'POST', `${base}/enterprises/octo-enterprise/actions/runners/registration-token`, { token })).status,
    ).toBe(201);
  }
  expect(s.stderr()).not.toContain(token);
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  expect(s.lines.join('\n').split(token)).toHaveLength(2);
});

test('GITHUB_TOKEN from the environment is accepted and never printed; --seed and --port apply', async () => {
  const token = fakeToken();
  const seed = path.join(__dirname, '..', 'fixtures', 'emulator-seed.json');
  const s = await start(['--seed', seed, '--latency', '5', '--port', '0', '--strict-scopes'], { GITHUB_TOKEN: token });
  await new Promise((r) => setTimeout(r, 100));
  expect(s.lines).toHaveLength(1);
  const url = s.lines[0];
  const dl = await call(url, 'GET', '/orgs/cli-org/actions/runners/downloads', { token });
  expect(dl.body.map((d: { filename: string }) => d.filename)).toEqual([
    'actions-runner-linux-x64-2.320.0.tar.gz',
    'actions-runner-linux-arm64-2.320.0.tar.gz',
    'actions-runner-win-x64-2.320.0.zip',
  ]);
  const groups = await call(url, 'GET', '/orgs/cli-org/actions/runner-groups', { token: 'example-fine-grained-token-value' });
  expect(groups.body.runner_groups.map((g: { name: string }) => g.name)).toEqual(['Default', 'linux-fleet']);
  expect((await call(url, 'GET', '/orgs/no-such-org/actions/runners', { token })).status).toBe(404);
  s.child.kill('SIGINT');
  expect(await s.exited).toBe(0);
  expect(s.lines.join('\n') + s.stderr()).not.toContain(token);
});

test('bad arguments and seed files fail with one line', async () => {
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"platforms": ["linux/sparc"]}');
  for (const [args, message] of [
    [['--bogus'], /unknown argument '--bogus'/],
    [['--port', 'abc'], /not a port number/],
    [['--seed', path.join(dir, 'missing.json')], /Cannot read seed file/],
    [['--seed', bad], /Platform 'linux\/sparc'/],
  ] as const) {
    const s = await start([...args]);
    expect(await s.exited).toBe(1);
    expect(s.stderr().trim().split('\n')).toHaveLength(1);
    expect(s.stderr()).toMatch(message);
  }
});

test('in-process: help, and an AbortSignal stops it', async () => {
  const lines: string[] = [];
  await runEmulatorCli(['--help'], { stdout: (l) => lines.push(l) });
  expect(lines[0]).toMatch(/^usage: emulator/);

  const out: string[] = [];
  const ac = new AbortController();
  const done = runEmulatorCli([], {
    stdout: (l) => out.push(l),
    stderr: () => undefined,
    env: { GITHUB_TOKEN: 'in-process-test-token' },
    signal: ac.signal,
  });
  while (out.length === 0) await new Promise((r) => setTimeout(r, 10));
  expect((await call(out[0], 'GET', '/repos/octo-org/octo-repo/actions/runners', { token: 'in-process-test-token' })).status).toBe(200);
  ac.abort();
  await done;
  await expect(fetch(out[0])).rejects.toThrow();
});
