import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Emulator, startEmulator } from '../../lib/emulator';
import { spawnCollect } from '../support/spawn-collect';
import { call, fakeToken, mintToken, SCOPES } from './support/github';

/**
 * The runner archives for real: download over HTTP, verify the checksum, extract, and run the
 * stub config.sh / run.sh / svc.sh against the emulator with only bash, curl and coreutils on
 * PATH (no jq, no node).
 */

const token = fakeToken();
const org = SCOPES.find((s) => s.kind === 'org')!;
const repo = SCOPES.find((s) => s.kind === 'repo')!;
const ent = SCOPES.find((s) => s.kind === 'enterprise')!;
const TOOLS = ['bash', 'curl', 'sed', 'base64', 'head', 'cat', 'mkdir', 'rm', 'dirname', 'hostname', 'uname', 'date', 'id'];

let emu: Emulator;
let work: string;
let toolDir: string;
/** Every secret a script saw; none may appear in any script output. */
const secrets: string[] = [token];
const outputs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    seed: {
      tokens: [{ token, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] }],
      runnerGroups: [{ scope: 'enterprise:octo-enterprise', name: 'shared' }],
    },
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-stubs-'));
  toolDir = path.join(work, 'tools');
  fs.mkdirSync(toolDir);
  for (const tool of TOOLS) {
    const found = ['/usr/bin', '/bin', '/usr/local/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
    if (!found) throw new Error(`${tool} is needed on this machine to run the stub scripts`);
    fs.symlinkSync(found, path.join(toolDir, tool));
  }
});
afterAll(async () => {
  await emu.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(cmd: string, args: string[], cwd: string, extraPath = false): Promise<Run> {
  const env = { PATH: extraPath ? `${toolDir}:/usr/bin:/bin` : toolDir, HOME: work, LANG: 'C.UTF-8' };
  const { code, stdout, stderr } = await spawnCollect(cmd, args, { cwd, env });
  outputs.push(stdout, stderr);
  return { code, stdout, stderr };
}

async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Downloads the platform's archive as /downloads lists it, checks its checksum and extracts it into a fresh folder. */
async function install(platform = 'linux/x64'): Promise<string> {
  const list = await call(emu, 'GET', `${org.prefix}/actions/runners/downloads`, { token });
  const d = list.body.find((x: { os: string; architecture: string }) => `${x.os}/${x.architecture}` === platform);
  const { status, bytes } = await download(d.download_url);
  expect(status).toBe(200);
  expect(sha256(bytes)).toBe(d.sha256_checksum);
  const dir = fs.mkdtempSync(path.join(work, 'runner-'));
  fs.writeFileSync(path.join(dir, d.filename), bytes);
  const x = await run('tar', ['-xzf', d.filename], dir, true);
  expect(x.code).toBe(0);
  return dir;
}

const runnerNamed = (scope: string, name: string) => emu.runners(scope).find((r) => r.name === name);

describe('registration-token lifecycle with config.sh, run.sh and svc.sh', () => {
  let dir: string;

  test('config.sh registers the runner offline with its labels and writes .runner/.credentials', async () => {
    dir = await install();
    const reg = await mintToken(emu, token, org);
    secrets.push(reg);
    const r = await run(
      './config.sh',
      [
        '--unattended',
        '--url',
        `${emu.url}${org.webPath}`,
        '--token',
        reg,
        '--name',
        'stub-1',
        '--labels',
        'gpu,big',
        '--work',
        'w',
        '--disableupdate',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Runner successfully added');
    const runner = runnerNamed(org.ref, 'stub-1')!;
    expect(runner).toMatchObject({ status: 'offline', busy: false, os: 'linux', jit: false, ephemeral: false });
    expect(runner.labels.map((l) => `${l.name}:${l.type}`)).toEqual([
      'self-hosted:read-only',
      'Linux:read-only',
      'X64:read-only',
      'gpu:custom',
      'big:custom',
    ]);
    const runnerFile = JSON.parse(fs.readFileSync(path.join(dir, '.runner'), 'utf8'));
    expect(runnerFile).toMatchObject({ agentId: runner.id, agentName: 'stub-1', workFolder: 'w', gitHubUrl: `${emu.url}/octo-org` });
    expect(fs.existsSync(path.join(dir, 'w'))).toBe(true);
    const creds = JSON.parse(fs.readFileSync(path.join(dir, '.credentials'), 'utf8'));
    secrets.push(creds.data.clientSecret);
    expect(fs.readFileSync(path.join(dir, '.credentials'), 'utf8')).not.toContain(reg);

    const again = await run('./config.sh', ['--unattended', '--url', `${emu.url}${org.webPath}`, '--token', reg, '--name', 'stub-1'], dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already configured/);
  });

  test('run.sh marks it online and exits 0', async () => {
    const r = await run('./run.sh', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Listening for Jobs');
    expect(runnerNamed(org.ref, 'stub-1')).toMatchObject({ status: 'online', version: '2.329.0' });
  });

  test('svc.sh install/stop/status/start/uninstall drive online and offline', async () => {
    expect((await run('./svc.sh', ['start'], dir)).code).not.toBe(0);
    expect((await run('./svc.sh', ['install'], dir)).stdout).toContain('actions.runner.octo-org.stub-1.service');
    expect((await run('./svc.sh', ['stop'], dir)).code).toBe(0);
    expect(runnerNamed(org.ref, 'stub-1')!.status).toBe('offline');
    expect((await run('./svc.sh', ['status'], dir)).stdout).toContain('inactive (dead)');
    expect((await run('./svc.sh', ['start'], dir)).code).toBe(0);
    expect(runnerNamed(org.ref, 'stub-1')!.status).toBe('online');
    expect((await run('./svc.sh', ['status'], dir)).stdout).toContain('active (running)');
    expect((await run('./svc.sh', ['uninstall'], dir)).code).toBe(0);
    expect(runnerNamed(org.ref, 'stub-1')!.status).toBe('offline');
    expect((await run('./svc.sh', ['bogus'], dir)).stderr).toContain('Usage');
  });

  test('config.sh remove with a remove token deregisters it', async () => {
    const bad = await run('./config.sh', ['remove', '--token', await mintToken(emu, token, repo, 'remove')], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/another scope/);
    const rm = await mintToken(emu, token, org, 'remove');
    secrets.push(rm);
    const r = await run('./config.sh', ['remove', '--token', rm], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Runner removed successfully');
    expect(runnerNamed(org.ref, 'stub-1')).toBeUndefined();
    expect(fs.existsSync(path.join(dir, '.runner'))).toBe(false);
    expect((await run('./run.sh', [], dir)).stderr).toMatch(/Not configured/);
  });
});

describe('config.sh fails like the real one', () => {
  test('missing --url or --token, unknown arguments', async () => {
    const dir = await install('osx/arm64');
    expect((await run('./config.sh', ['--unattended', '--token', 'X'], dir)).stderr).toMatch(/Invalid configuration provided for url/);
    expect((await run('./config.sh', ['--unattended', '--url', `${emu.url}/octo-org`], dir)).stderr).toMatch(
      /Invalid configuration provided for token/,
    );
    expect((await run('./config.sh', ['--bogus'], dir)).stderr).toMatch(/Unrecognized command-line input arguments/);
    expect((await run('./config.sh', ['--url'], dir)).code).not.toBe(0);
  });

  test('an expired registration token is refused after clock.advance(7200)', async () => {
    const dir = await install();
    const reg = await mintToken(emu, token, org);
    secrets.push(reg);
    emu.clock.advance(7200);
    const r = await run('./config.sh', ['--unattended', '--url', `${emu.url}/octo-org`, '--token', reg, '--name', 'late'], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/404.*expired/);
    expect(runnerNamed(org.ref, 'late')).toBeUndefined();
    expect(fs.existsSync(path.join(dir, '.runner'))).toBe(false);
  });

  test('a taken name fails without --replace and keeps its id with --replace', async () => {
    const existing = emu.createRunner(repo.ref, { name: 'taken', labels: ['old'] });
    const reg = await mintToken(emu, token, repo);
    secrets.push(reg);
    const url = `${emu.url}${repo.webPath}`;
    const a = await run('./config.sh', ['--unattended', '--url', url, '--token', reg, '--name', 'taken'], await install());
    expect(a.code).not.toBe(0);
    expect(a.stderr).toMatch(/same name/);
    const b = await run(
      './config.sh',
      ['--unattended', '--url', url, '--token', reg, '--name', 'taken', '--replace', '--labels', 'new'],
      await install(),
    );
    expect(b.code).toBe(0);
    const replaced = runnerNamed(repo.ref, 'taken')!;
    expect(replaced.id).toBe(existing.id);
    expect(replaced.labels.map((l) => l.name)).toEqual(['self-hosted', 'Linux', 'X64', 'new']);
  });

  test('a token of another scope or an unknown URL is refused', async () => {
    const reg = await mintToken(emu, token, org);
    secrets.push(reg);
    const dir = await install();
    expect((await run('./config.sh', ['--unattended', '--url', `${emu.url}${repo.webPath}`, '--token', reg], dir)).stderr).toMatch(
      /another scope/,
    );
    expect((await run('./config.sh', ['--unattended', '--url', `${emu.url}/no-such-org`, '--token', reg], dir)).stderr).toMatch(
      /names no enterprise/,
    );
  });

  test('enterprise URL with --runnergroup, --ephemeral and --no-default-labels', async () => {
    const reg = await mintToken(emu, token, ent);
    secrets.push(reg);
    const dir = await install('linux/arm64');
    const url = `${emu.url}${ent.webPath}`;
    expect((await run('./config.sh', ['--unattended', '--url', url, '--token', reg, '--runnergroup', 'nope'], dir)).stderr).toMatch(
      /Could not find any self-hosted runner group named "nope"/,
    );
    const r = await run(
      './config.sh',
      [
        '--unattended',
        '--url',
        url,
        '--token',
        reg,
        '--name',
        'ent-1',
        '--runnergroup',
        'shared',
        '--ephemeral',
        '--no-default-labels',
        '--labels',
        'only',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(runnerNamed(ent.ref, 'ent-1')).toMatchObject({ runnerGroupId: 2, ephemeral: true, labels: [{ name: 'only', type: 'custom' }] });
  });
});

describe('JIT', () => {
  test('run.sh --jitconfig brings the JIT runner online', async () => {
    const a = await call(emu, 'POST', `/api/v3${org.prefix}/actions/runners/generate-jitconfig`, {
      token,
      body: { name: 'jit-1', runner_group_id: 1, labels: ['self-hosted', 'jit'] },
    });
    expect(a.status).toBe(201);
    secrets.push(a.body.encoded_jit_config);
    expect(runnerNamed(org.ref, 'jit-1')).toMatchObject({ status: 'offline', os: 'unknown' });
    const r = await run('./run.sh', ['--jitconfig', a.body.encoded_jit_config], await install());
    expect(r.code).toBe(0);
    expect(runnerNamed(org.ref, 'jit-1')).toMatchObject({ status: 'online', os: 'linux', version: '2.329.0', jit: true });
    const bad = await run('./run.sh', ['--jitconfig', 'not base64!'], await install());
    expect(bad.code).not.toBe(0);
  });
});

describe('archives', () => {
  test('tampered downloads do not match the published checksum', async () => {
    const list = await call(emu, 'GET', `${org.prefix}/actions/runners/downloads`, { token });
    const d = list.body[0];
    emu.tamperDownloads(true);
    const tampered = await download(d.download_url);
    emu.tamperDownloads(false);
    expect(tampered.status).toBe(200);
    expect(sha256(tampered.bytes)).not.toBe(d.sha256_checksum);
    expect(sha256((await download(d.download_url)).bytes)).toBe(d.sha256_checksum);
  });

  test('any pinned version downloads; the bytes are deterministic', async () => {
    const url = `${emu.url}/_emulator/downloads/v2.300.0/actions-runner-linux-x64-2.300.0.tar.gz`;
    const a = await download(url);
    const b = await download(url);
    expect(a.status).toBe(200);
    expect(sha256(a.bytes)).toBe(sha256(b.bytes));
    const other = await startEmulator();
    try {
      expect(sha256((await download(`${other.url}/_emulator/downloads/v2.300.0/actions-runner-linux-x64-2.300.0.tar.gz`)).bytes)).toBe(
        sha256(a.bytes),
      );
    } finally {
      await other.close();
    }
    const dir = fs.mkdtempSync(path.join(work, 'pinned-'));
    fs.writeFileSync(path.join(dir, 'r.tgz'), a.bytes);
    expect((await run('tar', ['-xzf', 'r.tgz'], dir, true)).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'bin', 'stub-lib.sh'), 'utf8')).toContain("RUNNER_VERSION='2.300.0'");
    expect(fs.statSync(path.join(dir, 'config.sh')).mode & 0o111).toBeTruthy();
    for (const bad of [
      'v2.300.0/actions-runner-linux-x64-2.301.0.tar.gz',
      'v2.300.0/actions-runner-win-x64-2.300.0.tar.gz',
      'v2.300.0/actions-runner-beos-x64-2.300.0.tar.gz',
    ]) {
      expect((await download(`${emu.url}/_emulator/downloads/${bad}`)).status).toBe(404);
    }
  });

  test('the Windows zip holds config.cmd, run.cmd and the PowerShell stub, and passes unzip -t', async () => {
    const list = await call(emu, 'GET', `${org.prefix}/actions/runners/downloads`, { token });
    const d = list.body.find((x: { os: string; architecture: string }) => x.os === 'win' && x.architecture === 'x64');
    const { bytes } = await download(d.download_url);
    expect(sha256(bytes)).toBe(d.sha256_checksum);
    const dir = fs.mkdtempSync(path.join(work, 'win-'));
    fs.writeFileSync(path.join(dir, d.filename), bytes);
    const t = await run('unzip', ['-t', d.filename], dir, true);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/No errors detected/);
    const l = await run('unzip', ['-Z1', d.filename], dir, true);
    expect(l.stdout.trim().split('\n').sort()).toEqual(['bin/emulator-runner.txt', 'bin/stub.ps1', 'config.cmd', 'run.cmd']);
    expect((await run('unzip', ['-p', d.filename, 'bin/stub.ps1'], dir, true)).stdout).toContain("$RunnerOs = 'win'");
  });

  test('GHES temp download tokens: listed with the downloads and required as Bearer', async () => {
    const ghesToken = fakeToken();
    const ghes = await startEmulator({
      seed: { tempDownloadTokens: true, tokens: [{ token: ghesToken, kind: 'classic', scopes: ['admin:org'] }] },
    });
    try {
      const list = await call(ghes, 'GET', '/api/v3/orgs/octo-org/actions/runners/downloads', { token: ghesToken });
      const d = list.body[0];
      expect(d.temp_download_token).toMatch(/^eyJ/);
      expect((await download(d.download_url)).status).toBe(401);
      expect((await download(d.download_url, { authorization: 'Bearer nope' })).status).toBe(401);
      const ok = await download(d.download_url, { authorization: `Bearer ${d.temp_download_token}` });
      expect(ok.status).toBe(200);
      expect(sha256(ok.bytes)).toBe(d.sha256_checksum);
      ghes.clock.advance(3601);
      expect((await download(d.download_url, { authorization: `Bearer ${d.temp_download_token}` })).status).toBe(401);
    } finally {
      await ghes.close();
    }
  });
});

describe('secrecy', () => {
  test('no script printed a token, a runner secret or a JIT config (tests above ran first)', () => {
    expect(outputs.length).toBeGreaterThan(30);
    expect(secrets.length).toBeGreaterThan(8);
    const all = outputs.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
