import * as fs from 'fs';
import * as path from 'path';
import { Workspace, runInstallScript, useEmulator, waitFor } from '../e2e/support';
import { engines, tempDir } from '../terraform/harness';
import { pythonVenv, run } from './packages';

const engine = engines()[0];

describe('the Python wheel in a fresh venv with PyPI cdktf 0.21.0', () => {
  const ctx = useEmulator();

  test('synthesizes a registration-token runner, a JIT runner, a download and its install script; apply, clean re-plan, destroy', async () => {
    const python = await pythonVenv();
    const outdir = tempDir('py-app-');
    const installDir = path.join(tempDir('py-vm-'), 'actions-runner');
    const env = { ...process.env, GITHUB_API_URL: ctx.emulator.url, OUTDIR: outdir, INSTALL_DIR: installDir };
    const synth = await run(python, [path.join(__dirname, 'apps', 'main.py')], outdir, env);
    expect(synth.out).not.toMatch(/Traceback/);
    expect(synth.code).toBe(0);
    const stackDir = path.join(outdir, 'stacks', 'python');
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.null_resource).length).toBeGreaterThanOrEqual(4);
    expect(json.provider).toEqual({ null: [{}], external: [{}] });

    const ws = await Workspace.init(engine, stackDir, ctx.credential);
    await ws.apply();
    const out = await ws.outputs();
    expect(out.jit_name).toMatch(/^py-jit-[0-9a-f]{8}$/);
    expect(out.runner_version).toMatch(/^\d+\.\d+\.\d+$/);
    const byName = (name: string) => ctx.emulator.runners('org:octo-org').filter((r) => r.name === name);
    expect(byName(out.jit_name)).toHaveLength(1);

    // The install script a VM runs: the registration token from the apply registers py-registered.
    const vm = await runInstallScript(out.install_script);
    expect(vm.code).toBe(0);
    await waitFor(() => byName('py-registered').length === 1);
    expect(byName('py-registered')[0].labels.map((l) => l.name)).toContain('python');

    expect((await ws.planExitCode()).code).toBe(0);
    await ws.destroy();
    expect(byName('py-registered')).toEqual([]);
    expect(byName(out.jit_name)).toEqual([]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  }, 900_000);
});
