import { TerraformOutput } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { EnterpriseRunner, OrgRunner, RepoRunner, RunnerDownload } from '../../lib';
import { Emulator, startEmulator } from '../../lib/emulator';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, canaryCredential, runInstallScript, synthStack, waitFor } from './support';

/**
 * A small fleet against the emulator in its seed-faithful mode (the GHES of the REST reference):
 * no sha256_checksum in /downloads, a runner list that ignores `name`, an enterprise given by id,
 * `admin:enterprise` and `public_repo` as the reference states them. One engine: the behaviour
 * under test is the runtime's and the emulator's, which the engine does not change.
 */
describe('a fleet against a GHES without checksums or name filter (ghesLegacy)', () => {
  const engine = engines().find((e) => e.id === 'terraform')!;
  let emulator: Emulator;
  const credential = canaryCredential();
  const publicRepoToken = canaryCredential();
  const cache = tempDir('ghes-legacy-cache');
  const env = { XDG_CACHE_HOME: cache, PUBLIC_REPO_TOKEN: publicRepoToken };

  beforeAll(async () => {
    emulator = await startEmulator({ ghesLegacy: true, seed: { publicRepos: ['octo-org/site'] } });
    emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org', 'admin:enterprise'] });
    emulator.addToken({ token: publicRepoToken, kind: 'classic', scopes: ['public_repo'] });
    // Filler runners, so that a lookup that relied on the name filter would pick the wrong one.
    for (let i = 1; i <= 120; i++) emulator.createRunner('org:octo-org', { name: `manual-${i}` });
  });
  afterAll(() => emulator?.close());

  test('G14: without computeChecksum the plan fails in one line; with it the fleet registers, re-plans clean and is deleted', async () => {
    const apiUrl = `${emulator.url}/api/v3`;
    const refused = synthStack((s) => {
      const d = new RunnerDownload(s, 'Linux', { org: 'octo-org', apiUrl, os: 'linux', architecture: 'x64' });
      new TerraformOutput(s, 'sha', { value: d.sha256Checksum });
    });
    const bad = await Workspace.init(engine, refused, credential, env);
    const failed = await bad.run(['plan', '-input=false', '-no-color']);
    expect(failed.code).toBe(1);
    expect(failed.stderr.replace(/\s+/g, ' ')).toContain(
      'cdktf-github-runners: GitHub lists no sha256_checksum for the linux/x64 runner 2.329.0 of organization "octo-org" (this server lists none), ' +
        "so a VM could not verify the archive: set sha256Checksum on its RunnerDownload to the archive's SHA-256, or set computeChecksum: true",
    );

    const enterpriseId = String(emulator.enterpriseId('octo-enterprise'));
    const dirs = { org: tempDir('vm-org'), ent: tempDir('vm-ent'), repo: tempDir('vm-repo') };
    const dir = synthStack((s) => {
      const orgLinux = new RunnerDownload(s, 'OrgLinux', {
        org: 'octo-org',
        apiUrl,
        os: 'linux',
        architecture: 'x64',
        computeChecksum: true,
      });
      const entArm = new RunnerDownload(s, 'EntArm', {
        enterprise: enterpriseId,
        apiUrl,
        os: 'linux',
        architecture: 'arm64',
        computeChecksum: true,
      });
      const repoLinux = new RunnerDownload(s, 'RepoLinux', {
        owner: 'octo-org',
        repository: 'site',
        apiUrl,
        credentialEnv: 'PUBLIC_REPO_TOKEN',
        os: 'linux',
        architecture: 'x64',
        computeChecksum: true,
      });
      const fleet = [
        {
          id: 'org',
          runner: new OrgRunner(s, 'OrgRunner', { org: 'octo-org', apiUrl, name: 'legacy-org', labels: ['linux'] }),
          download: orgLinux,
        },
        {
          id: 'ent',
          runner: new EnterpriseRunner(s, 'EntRunner', { enterprise: enterpriseId, apiUrl, name: 'legacy-ent', jit: true }),
          download: entArm,
        },
        {
          id: 'repo',
          runner: new RepoRunner(s, 'RepoRunner', {
            owner: 'octo-org',
            repository: 'site',
            apiUrl,
            credentialEnv: 'PUBLIC_REPO_TOKEN',
            name: 'legacy-repo',
          }),
          download: repoLinux,
        },
      ];
      for (const { id, runner, download } of fleet) {
        const script = runner.installScript(download, { installDir: `${dirs[id as keyof typeof dirs]}/actions-runner`, service: false });
        new NullResource(s, `Vm-${id}`, { triggers: { user_data: script } });
        new TerraformOutput(s, `script_${id}`, { value: script, sensitive: true });
        new TerraformOutput(s, `sha_${id}`, { value: download.sha256Checksum });
      }
    });
    const ws = await Workspace.init(engine, dir, credential, env);
    await ws.apply();
    const out = await ws.outputs();
    for (const id of ['org', 'ent', 'repo']) expect(out[`sha_${id}`]).toMatch(/^[0-9a-f]{64}$/);

    for (const id of ['org', 'ent', 'repo']) {
      const vm = await runInstallScript(out[`script_${id}`]);
      expect(vm.stderr).not.toMatch(/checksum mismatch|no SHA-256/);
      expect(vm.code).toBe(0);
    }
    const online = (scope: string, name: string) =>
      emulator.runners(scope).some((r) => (r.name === name || r.name.startsWith(`${name}-`)) && r.status === 'online');
    await waitFor(
      () =>
        online('org:octo-org', 'legacy-org') &&
        online('enterprise:octo-enterprise', 'legacy-ent') &&
        online('repo:octo-org/site', 'legacy-repo'),
    );
    expect(online('org:octo-org', 'legacy-org')).toBe(true);
    expect(online('enterprise:octo-enterprise', 'legacy-ent')).toBe(true);
    expect(online('repo:octo-org/site', 'legacy-repo')).toBe(true);

    const archives = emulator.requests.filter((r) => r.path.startsWith('/_emulator/downloads/')).length;
    expect((await ws.planExitCode()).code).toBe(0);
    // The re-plan found the checksums in the cache: no archive was downloaded again.
    expect(emulator.requests.filter((r) => r.path.startsWith('/_emulator/downloads/')).length).toBe(archives);

    await ws.destroy();
    expect(
      emulator
        .runners('org:octo-org')
        .map((r) => r.name)
        .filter((n) => n.startsWith('legacy')),
    ).toEqual([]);
    expect(emulator.runners('enterprise:octo-enterprise')).toEqual([]);
    expect(emulator.runners('repo:octo-org/site')).toEqual([]);
    expect(emulator.runners('org:octo-org')).toHaveLength(120);
    const everything = ws.log.join('\n') + bad.log.join('\n');
    expect(everything).not.toContain(credential);
    expect(everything).not.toContain(publicRepoToken);
  });
});
