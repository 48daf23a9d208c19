import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cdktfCli, engineEnv, engines, tempDir } from '../terraform/harness';
import { useEmulator } from './support';

const ROOT = path.resolve(__dirname, '..', '..');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 240_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

describe.each(engines().map((e) => [e.id, e] as const))('cdktf-cli and the demo on %s', (_id, engine) => {
  const ctx = useEmulator();

  // --skip-provider-lock: cdktf otherwise runs `providers lock`, which asks the registry directly
  // even when a filesystem mirror is configured, and no registry is reachable here.
  test('cdktf synth, deploy and destroy of examples/basic', async () => {
    const project = tempDir('cdktf-project-');
    // The repository's own cdktf.json runs examples/basic; this copy only moves state into a scratch folder.
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    config.app = config.app.replace('./scripts/', `${ROOT}/scripts/`).replace(' examples/', ` ${ROOT}/examples/`);
    fs.writeFileSync(path.join(project, 'cdktf.json'), JSON.stringify(config));
    const env = engineEnv(engine, {
      GITHUB_TOKEN: ctx.credential,
      GITHUB_API_URL: ctx.emulator.url,
      GITHUB_ORG: 'octo-org',
      TERRAFORM_BINARY_NAME: engine.binary,
      CI: '1',
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: 'true',
      FORCE_COLOR: '0',
    });
    const cli = cdktfCli();
    const synth = await run(cli, ['synth'], project, env);
    expect(synth.code).toBe(0);
    expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', 'basic', 'cdk.tf.json'))).toBe(true);

    const before = ctx.emulator.tokensIssued.length;
    const deploy = await run(cli, ['deploy', '--auto-approve', '--skip-provider-lock'], project, env);
    expect(deploy.code).toBe(0);
    expect(deploy.out).toMatch(/runner_url\s*=\s*http:\/\/127\.0\.0\.1:\d+\/octo-org/);
    expect(deploy.out).toMatch(/runner_version\s*=\s*\d+\.\d+\.\d+/);
    expect(ctx.emulator.tokensIssued.length).toBeGreaterThan(before);

    const destroy = await run(cli, ['destroy', '--auto-approve', '--skip-provider-lock'], project, env);
    expect(destroy.code).toBe(0);
    for (const text of [synth.out, deploy.out, destroy.out]) expect(text).not.toContain(ctx.credential);
  }, 600_000);

  // test/demo.test.ts (G16) checks every line of the demo on the default engine; here it runs on each.
  test('npm run demo: examples/vm-fleet applied, VMs online, clean re-plan, destroyed, none left', async () => {
    const demo = await run('node', ['scripts/demo.js'], ROOT, { ...process.env, DEMO_ENGINE: engine.id });
    expect(demo.code).toBe(0);
    expect(demo.out).toMatch(/^emulator {11}http:\/\/127\.0\.0\.1:\d+: .*credential ghp_\*{12}$/m);
    expect(demo.out).toMatch(new RegExp(`^init {15}${path.basename(engine.binary)}`, 'm'));
    expect(demo.out.match(/^ {2}\S+ +\S+ +\S+ +online /gm)).toHaveLength(4);
    expect(demo.out).toMatch(/^re-plan {12}no changes/m);
    expect(demo.out).toMatch(/^runners {12}none left/m);
  }, 600_000);
});
