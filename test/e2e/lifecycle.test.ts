import { TerraformOutput } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OrgRunner, RepoRunner, RunnerDownload } from '../../lib';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, deleteRunnerDirectly, replaceConfig, runInstallScript, synthStack, waitFor, useEmulator } from './support';

const ORG = 'octo-org';

describe.each(engines().map((e) => [e.id, e] as const))('lifecycle on %s', (_id, engine) => {
  const ctx = useEmulator();

  const named = (name: string) => ctx.emulator.runners(`org:${ORG}`).filter((r) => r.name === name || r.name.startsWith(`${name}-`));

  test('saved plan applied two hours later registers with a fresh token; re-plan is clean; destroy deregisters', async () => {
    const name = `fresh-${engine.id}`;
    const installDir = tempDir('runner-');
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, labels: ['e2e'] });
      const script = runner.installScript(download, { installDir });
      new NullResource(s, 'Vm', { triggers: { user_data: script } });
      new TerraformOutput(s, 'script', { value: script, sensitive: true });
      new TerraformOutput(s, 'token', { value: runner.token, sensitive: true });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential);
    await ws.ok(['validate', '-no-color']);
    const plan = await ws.ok(['plan', '-out=tfplan', '-input=false', '-no-color']);
    expect(plan.stdout).toMatch(/read \(data resources\)|will be read during apply/);
    ctx.emulator.clock.advance(2 * 3600);
    const minted = ctx.emulator.tokensIssued.length;
    await ws.ok(['apply', '-input=false', '-no-color', 'tfplan']);
    expect(ctx.emulator.tokensIssued.slice(minted).filter((t) => t.kind === 'registration')).toHaveLength(1);

    // Stable: the shared token source is read again, the VM's user data does not change.
    expect((await ws.planExitCode()).code).toBe(0);

    const outputs = await ws.outputs();
    const vm = await runInstallScript(outputs.script);
    expect(vm.stderr).not.toContain(outputs.token);
    expect(vm.code).toBe(0);
    expect(named(name)).toEqual([expect.objectContaining({ name, status: 'online', busy: false })]);
    expect((await ws.planExitCode()).code).toBe(0);

    await ws.destroy();
    expect(named(name)).toEqual([]);
    const everything = ws.log.join('\n') + vm.stdout + vm.stderr;
    const at = everything.indexOf(outputs.token);
    if (at >= 0) throw new Error(`token leaked: ...${everything.slice(Math.max(0, at - 600), at + 100)}`);
    expect(everything).not.toContain(ctx.credential);
  });

  test('registration-token runners depend on the scope epoch, not on each other; a runner added later still gets its token at apply', async () => {
    const prefix = `epoch-${engine.id}`;
    const build = (n: number) =>
      synthStack((s) => {
        for (let i = 1; i <= n; i++) {
          const runner = new OrgRunner(s, `Runner${i}`, { org: ORG, apiUrl: ctx.emulator.url, name: `${prefix}-${i}` });
          new TerraformOutput(s, `token_${i}`, { value: runner.token, sensitive: true });
        }
      });
    // Each runner's credentials list its own identity and the epoch, whatever the fleet's size
    // (they used to list every identity of the scope: N² addresses in the state).
    const bounded = (ws: Workspace, runners: number) => {
      const creds = JSON.parse(ws.state()).resources.filter((r: any) => r.type === 'null_resource' && /_Credentials_/.test(r.name));
      expect(creds).toHaveLength(runners);
      for (const r of creds) {
        const deps: string[] = r.instances[0].dependencies;
        const runner = r.name.split('_')[0];
        expect(deps.filter((d) => /_Identity_/.test(d))).toEqual([
          expect.stringMatching(new RegExp(`^null_resource\\.${runner}_Identity_`)),
        ]);
        expect(deps.filter((d) => /_Epoch_/.test(d))).toHaveLength(1);
        expect(deps.length).toBeLessThanOrEqual(3);
      }
    };
    const registrations = () => ctx.emulator.tokensIssued.filter((t) => t.kind === 'registration');

    const ws = await Workspace.init(engine, build(3), ctx.credential);
    await ws.apply();
    bounded(ws, 3);
    const before = await ws.outputs();
    expect((await ws.planExitCode()).code).toBe(0);

    // A fourth runner: the saved plan defers the token read, which mints at the apply, hours later.
    replaceConfig(ws, build(4));
    const minted = registrations().length;
    const plan = await ws.ok(['plan', '-out=tfplan', '-input=false', '-no-color']);
    expect(plan.stdout).toMatch(/data\.external\.\S+_RegistrationToken_\w+ will be read during apply/);
    expect(registrations()).toHaveLength(minted);
    const changes = JSON.parse((await ws.ok(['show', '-json', 'tfplan'])).stdout).resource_changes as any[];
    const touched = changes.filter((c) => !c.change.actions.every((a: string) => a === 'no-op' || a === 'read')).map((c) => c.address);
    expect(touched.sort()).toEqual([
      expect.stringMatching(/_Epoch_/),
      expect.stringMatching(/^null_resource\.Runner4_Credentials_/),
      expect.stringMatching(/^null_resource\.Runner4_Identity_/),
    ]);
    ctx.emulator.clock.advance(2 * 3600);
    const appliedAt = ctx.emulator.clock.now();
    await ws.ok(['apply', '-input=false', '-no-color', 'tfplan']);
    expect(registrations().slice(minted)).toEqual([expect.objectContaining({ scope: `org:${ORG}` })]);
    expect(registrations()[minted].at).toBeGreaterThanOrEqual(appliedAt);

    const after = await ws.outputs();
    for (let i = 1; i <= 3; i++) expect(after[`token_${i}`]).toBe(before[`token_${i}`]);
    expect(after.token_4).toMatch(/^[A-Z0-9]{29}$/);
    expect(after.token_4).not.toBe(before.token_1);
    bounded(ws, 4);
    expect((await ws.planExitCode()).code).toBe(0);

    // The trade-off (docs/decisions.md): replacing a runner without a configuration change leaves
    // the epoch as it is, so the plan itself mints; replacing the epoch too defers the mint again.
    const address = (kind: string) => {
      const r = JSON.parse(ws.state()).resources.find((x: any) => new RegExp(kind).test(x.name));
      return `null_resource.${r.name}`;
    };
    const identity = address('^Runner1_Identity_');
    let count = registrations().length;
    const replaced = await ws.ok(['plan', `-replace=${identity}`, '-input=false', '-no-color']);
    expect(replaced.stdout).not.toMatch(/RegistrationToken\w* will be read during apply/);
    expect(registrations().length).toBe(count + 1);
    count = registrations().length;
    const withEpoch = await ws.ok(['plan', `-replace=${identity}`, `-replace=${address('_Epoch_')}`, '-input=false', '-no-color']);
    expect(withEpoch.stdout).toMatch(/RegistrationToken\w* will be read during apply/);
    expect(registrations().length).toBe(count);

    await ws.destroy();
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });

  test('waitForOnline: the apply waits until the VM that runs the install script brings the runner online', async () => {
    const name = `online-${engine.id}`;
    const installDir = tempDir('runner-');
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, waitForOnline: true, onlineTimeout: 60 });
      // The stand-in VM boots and runs its user data during the apply, as a cloud VM would.
      new NullResource(s, 'Vm', {
        triggers: { user_data: runner.installScript(download, { installDir }) },
        provisioners: [
          {
            type: 'local-exec',
            command: 'bash -c "$USER_DATA"',
            environment: { USER_DATA: runner.installScript(download, { installDir }) },
          },
        ],
      });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential);
    const apply = await ws.apply();
    expect(apply.stdout).toMatch(/Runner_Online_\w+: Creation complete/);
    expect(named(name)).toEqual([expect.objectContaining({ name, status: 'online' })]);
    await ws.destroy();
    expect(named(name)).toEqual([]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });

  test('destroy succeeds when the runner is already gone, and waits for a busy runner a bounded time', async () => {
    const name = `busy-${engine.id}`;
    const installDir = tempDir('runner-');
    const build = (busyTimeout: number) =>
      synthStack((s) => {
        const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'x64' });
        const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, busyTimeout });
        new TerraformOutput(s, 'script', { value: runner.installScript(download, { installDir }), sensitive: true });
      });
    const ws = await Workspace.init(engine, build(3), ctx.credential);
    await ws.apply();
    expect((await runInstallScript((await ws.outputs()).script)).code).toBe(0);
    const [runner] = named(name);
    ctx.emulator.setRunnerState(runner.id, { busy: true });
    const started = Date.now();
    const blocked = await ws.run(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(blocked.code).not.toBe(0);
    expect((blocked.stderr + blocked.stdout).replace(/\s+/g, ' ')).toMatch(
      new RegExp(`runner "${name}" .*is still busy running a job after 3 s`),
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(named(name)).toHaveLength(1);

    // The job ends; the runner is removed by hand before the next destroy: success all the same.
    ctx.emulator.setRunnerState(runner.id, { busy: false });
    expect(await deleteRunnerDirectly(ctx.emulator, ctx.credential, `/orgs/${ORG}`, runner.id)).toBe(204);
    await ws.destroy();
    expect(named(name)).toEqual([]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });

  test('jit: minted exactly once across plans, a replacement never collides, destroy deletes it', async () => {
    const name = `jit-${engine.id}`;
    const installDir = tempDir('runner-');
    const build = (labels: string[]) =>
      synthStack((s) => {
        const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'arm64' });
        const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, jit: true, labels });
        const script = runner.installScript(download, { installDir });
        new NullResource(s, 'Vm', { triggers: { user_data: script } });
        new TerraformOutput(s, 'script', { value: script, sensitive: true });
        new TerraformOutput(s, 'runner_name', { value: runner.runnerName });
        new RepoRunner(s, 'Other', { owner: ORG, repository: 'octo-repo', apiUrl: ctx.emulator.url, name, jit: true });
      });
    const jitMinted = () => ctx.emulator.tokensIssued.filter((t) => t.kind === 'jit').length;
    const before = jitMinted();
    const ws = await Workspace.init(engine, build(['blue']), ctx.credential);
    await ws.apply();
    expect(jitMinted() - before).toBe(2);
    for (let i = 0; i < 2; i++) expect((await ws.planExitCode()).code).toBe(0);
    expect(jitMinted() - before).toBe(2);

    const first = (await ws.outputs()).runner_name;
    expect(first).toMatch(new RegExp(`^${name}-[0-9a-f]{8}$`));
    expect((await runInstallScript((await ws.outputs()).script)).code).toBe(0);
    await waitFor(() => named(name)[0]?.status === 'online'); // run.sh --jitconfig starts in the background
    expect(named(name)).toEqual([expect.objectContaining({ name: first, status: 'online' })]);

    // New labels replace the runner: the old one is deleted, the new one has another name.
    replaceConfig(ws, build(['green']));
    await ws.apply();
    const second = (await ws.outputs()).runner_name;
    expect(second).not.toBe(first);
    expect(named(name).map((r) => r.name)).toEqual([second]);
    expect(jitMinted() - before).toBe(3);
    expect(ctx.emulator.requests.filter((r) => r.status === 409)).toEqual([]);

    await ws.destroy();
    expect(named(name)).toEqual([]);
    expect(ctx.emulator.runners(`repo:${ORG}/octo-repo`).filter((r) => r.name.startsWith(name))).toEqual([]);
  });
});
