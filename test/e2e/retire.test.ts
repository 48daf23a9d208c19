import { TerraformOutput } from 'cdktf';
import { OrgRunner, RetiredRunner, RunnerDownload } from '../../lib';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, deleteRunnerDirectly, replaceConfig, runInstallScript, synthStack, useEmulator } from './support';

const ORG = 'octo-org';

describe.each(engines().map((e) => [e.id, e] as const))('retiring runners on %s', (_id, engine) => {
  const ctx = useEmulator();
  const named = (prefix: string) => ctx.emulator.runners(`org:${ORG}`).filter((r) => r.name.startsWith(prefix));

  test('a RetiredRunner in place of a removed runner deletes it on GitHub; a plain removal leaves it registered', async () => {
    const p = `retire-${engine.id}`;
    const apiUrl = ctx.emulator.url;
    const installDir = tempDir('runner-');
    type Version = 'all' | 'retired' | 'gone';
    const build = (v: Version) =>
      synthStack((s) => {
        new OrgRunner(s, 'Keep', { org: ORG, apiUrl, name: `${p}-keep` });
        if (v === 'all') {
          const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl, os: 'linux', architecture: 'x64' });
          const old = new OrgRunner(s, 'Old', { org: ORG, apiUrl, name: `${p}-old` });
          new TerraformOutput(s, 'script', { value: old.installScript(download, { installDir }), sensitive: true });
          new OrgRunner(s, 'OldJit', { org: ORG, apiUrl, name: `${p}-jit`, jit: true });
          new OrgRunner(s, 'Dropped', { org: ORG, apiUrl, name: `${p}-dropped`, jit: true });
        }
        if (v === 'retired') {
          new RetiredRunner(s, 'Old');
          new RetiredRunner(s, 'OldJit', { busyTimeout: 30 });
        }
      });
    const ws = await Workspace.init(engine, build('all'), ctx.credential);
    await ws.apply();
    expect((await runInstallScript((await ws.outputs()).script)).code).toBe(0);
    expect(named(`${p}-old`)).toEqual([expect.objectContaining({ status: 'online' })]);
    expect(named(`${p}-jit-`)).toHaveLength(1);
    expect(named(`${p}-dropped-`)).toHaveLength(1);

    // Old and OldJit retired; Dropped deleted from the code without a RetiredRunner.
    replaceConfig(ws, build('retired'));
    const apply = await ws.apply();
    expect(apply.stdout).toMatch(/Old_Identity_\w+: Destruction complete/);
    expect(named(`${p}-old`)).toEqual([]);
    expect(named(`${p}-jit-`)).toEqual([]);
    expect(ws.state()).not.toMatch(/"Old(Jit)?_Identity_/);
    // Terraform's own rule: no destroy provisioner for a block that is gone, so it stays on GitHub.
    expect(ws.state()).not.toMatch(/"Dropped_Identity_/);
    const [dropped] = named(`${p}-dropped-`);
    expect(dropped).toBeDefined();
    expect((await ws.planExitCode()).code).toBe(0);

    // The RetiredRunners can go once applied.
    replaceConfig(ws, build('gone'));
    expect((await ws.planExitCode()).code).toBe(0);

    await ws.destroy();
    expect(await deleteRunnerDirectly(ctx.emulator, ctx.credential, `/orgs/${ORG}`, dropped.id)).toBe(204);
    expect(named(p)).toEqual([]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });
});
