import * as fs from 'fs';
import * as path from 'path';
import { Workspace, useEmulator } from '../e2e/support';
import { engines, tempDir } from '../terraform/harness';
import { CACHE, ROOT, cdktnApp, pythonVenv, run, typeCheckApp } from './packages';

/** The README's code block that starts with `first` (its first line). */
function readmeBlock(first: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```(?:ts|python)\n([\s\S]*?)```/g)].map((m) => m[1]);
  const hits = blocks.filter((b) => b.startsWith(first));
  if (hits.length !== 1) throw new Error(`README.md: expected one code block starting with "${first}", found ${hits.length}`);
  return hits[0];
}

/** A snippet as given, but talking to the emulator and writing to `outdir` instead of GitHub and cdktf.out. */
function pointAtEmulator(code: string, language: 'ts' | 'python'): string {
  const replaced =
    language === 'ts'
      ? code
          .replace(/org: 'my-org'/g, "org: 'octo-org', apiUrl: process.env.GITHUB_API_URL")
          .replace('new App()', 'new App({ outdir: process.env.OUTDIR })')
      : `import os\n${code
          .replace(/org="my-org"/g, 'org="octo-org", api_url=os.environ["GITHUB_API_URL"]')
          .replace('App()', 'App(outdir=os.environ["OUTDIR"])')}`;
  if (replaced === code) throw new Error('the snippet no longer has the lines this test points at the emulator');
  return replaced;
}

const engine = engines()[0];

/**
 * The README's minimal apps, copied as a user would (only the organization, the API URL and the
 * output folder changed), synthesized, applied against the emulator and destroyed.
 */
describe('the README snippets apply as written', () => {
  const ctx = useEmulator();

  async function applyAndDestroy(outdir: string): Promise<void> {
    const ws = await Workspace.init(engine, path.join(outdir, 'stacks', 'runners'), ctx.credential);
    await ws.apply();
    const jit = () => ctx.emulator.runners('org:octo-org').filter((r) => r.name.startsWith('build-1-'));
    expect(jit()).toHaveLength(1);
    // A JIT runner's script hands run.sh its configuration through the environment.
    expect((await ws.outputs()).user_data).toContain('ACTIONS_RUNNER_INPUT_JITCONFIG="$JIT_CONFIG"');
    expect((await ws.planExitCode()).code).toBe(0);
    await ws.destroy();
    expect(jit()).toEqual([]);
  }

  test('TypeScript with cdktf', async () => {
    const code = pointAtEmulator(readmeBlock('// TypeScript, cdktf'), 'ts');
    // Inside the repository, so that `cdktf-github-runners` resolves to this package (package.json exports).
    fs.mkdirSync(CACHE, { recursive: true });
    const dir = fs.mkdtempSync(path.join(CACHE, 'readme-ts-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.ts'), code);
      const outdir = tempDir('readme-cdktf-');
      const r = await run('node', ['-r', path.join(ROOT, 'scripts', 'ts-register.js'), 'main.ts'], dir, {
        ...process.env,
        GITHUB_API_URL: ctx.emulator.url,
        OUTDIR: outdir,
      });
      expect(r.code).toBe(0);
      await applyAndDestroy(outdir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  test('TypeScript with CDK Terrain (type-checked against the installed cdktn-github-runners)', async () => {
    const cdktf = readmeBlock('// TypeScript, cdktf');
    const cdktn = readmeBlock('// TypeScript, CDK Terrain');
    const imports = cdktn.split('\n').filter((l) => l.startsWith('import '));
    expect(imports).toEqual([
      "import { App, TerraformOutput, TerraformStack } from 'cdktn';",
      "import { OrgRunner, RunnerDownload } from 'cdktn-github-runners';",
    ]);
    const app = cdktf
      .split('\n')
      .map((l) => (l.startsWith('import ') ? '' : l))
      .join('\n')
      .replace(/^/, imports.join('\n'));
    const dir = tempDir('readme-cdktn-');
    fs.symlinkSync(path.join(await cdktnApp(), 'node_modules'), path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'main.ts'), pointAtEmulator(app, 'ts'));
    await typeCheckApp(dir);
    const outdir = tempDir('readme-cdktn-out-');
    const r = await run('node', ['main.js'], dir, { ...process.env, GITHUB_API_URL: ctx.emulator.url, OUTDIR: outdir });
    expect(r.code).toBe(0);
    await applyAndDestroy(outdir);
  }, 600_000);

  test('Python with cdktf', async () => {
    const python = await pythonVenv();
    const dir = tempDir('readme-py-');
    fs.writeFileSync(path.join(dir, 'main.py'), pointAtEmulator(readmeBlock('# Python, cdktf'), 'python'));
    const outdir = tempDir('readme-py-out-');
    const r = await run(python, ['main.py'], dir, { ...process.env, GITHUB_API_URL: ctx.emulator.url, OUTDIR: outdir });
    expect(r.out).not.toMatch(/Traceback/);
    expect(r.code).toBe(0);
    await applyAndDestroy(outdir);
  }, 900_000);
});
