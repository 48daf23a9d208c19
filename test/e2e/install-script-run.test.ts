import * as fs from 'fs';
import * as path from 'path';
import { renderInstallScript } from '../../lib/install-script';
import { tempDir } from '../terraform/harness';
import { runInstallScript, waitFor, useEmulator } from './support';

/** The bash install script, run for real against the emulator's runner archive and stub scripts. */
describe('bash install script against the emulator', () => {
  const ctx = useEmulator();

  async function api(method: string, route: string): Promise<any> {
    const res = await fetch(`${ctx.emulator.url}${route}`, { method, headers: { authorization: `Bearer ${ctx.credential}` } });
    return res.json();
  }

  async function script(name: string, installDir: string, extra: Partial<Parameters<typeof renderInstallScript>[0]> = {}): Promise<string> {
    const downloads: any[] = await api('GET', '/orgs/octo-org/actions/runners/downloads');
    const linux = downloads.find((d) => d.os === 'linux' && d.architecture === 'x64');
    const { token } = await api('POST', '/orgs/octo-org/actions/runners/registration-token');
    return renderInstallScript(
      {
        os: 'linux',
        downloadUrl: linux.download_url,
        sha256Checksum: linux.sha256_checksum,
        tempDownloadToken: '',
        pinned: false,
        runnerUrl: `${ctx.emulator.url}/octo-org`,
        token,
        jitConfig: '',
        jit: false,
        name,
        labels: ['gpu'],
        ephemeral: false,
        noDefaultLabels: false,
        ...extra,
      },
      { installDir },
    );
  }

  test('a good archive: verified, extracted, configured and started as a service', async () => {
    const installDir = path.join(tempDir('vm-'), 'actions-runner');
    const vm = await runInstallScript(await script('good-vm', installDir));
    expect(vm.stderr).toBe('');
    expect(vm.code).toBe(0);
    expect(fs.existsSync(path.join(installDir, 'config.sh'))).toBe(true);
    await waitFor(() => ctx.emulator.runners('org:octo-org').some((r) => r.name === 'good-vm' && r.status === 'online'));
    const runner = ctx.emulator.runners('org:octo-org').find((r) => r.name === 'good-vm')!;
    expect(runner.status).toBe('online');
    expect(runner.labels.map((l) => l.name)).toContain('gpu');
  });

  test('a tampered archive: stops before extracting, nothing registered', async () => {
    const installDir = path.join(tempDir('vm-'), 'actions-runner');
    const text = await script('tampered-vm', installDir);
    ctx.emulator.tamperDownloads(true);
    try {
      const vm = await runInstallScript(text);
      expect(vm.code).toBe(1);
      expect(vm.stderr).toMatch(
        /^cdktf-github-runners: checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/\S+ \(expected [0-9a-f]{64}, got [0-9a-f]{64}\): nothing was extracted\n$/,
      );
      expect(fs.existsSync(installDir)).toBe(false);
      expect(ctx.emulator.runners('org:octo-org').some((r) => r.name === 'tampered-vm')).toBe(false);
    } finally {
      ctx.emulator.tamperDownloads(false);
    }
  });

  test('no checksum (a pinned old version without sha256Checksum): refuses to install', async () => {
    const installDir = path.join(tempDir('vm-'), 'actions-runner');
    const vm = await runInstallScript(await script('unverified-vm', installDir, { sha256Checksum: '' }));
    expect(vm.code).toBe(1);
    expect(vm.stderr).toMatch(/no SHA-256 checksum .*set sha256Checksum on the RunnerDownload; nothing was installed/);
    expect(fs.existsSync(installDir)).toBe(false);
  });
});
