/**
 * The emulator as users get it from npm: `cdktf-github-runners/emulator` through package.json
 * `exports`, one self-contained file plus the declarations its types need and its README.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.resolve(__dirname, '..', '..');
const exec = promisify(execFile);

test('G15: the tarball ships dist/emulator/index.js, its declarations and README, nothing else of dist/emulator; the export resolves', async () => {
  const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
  expect(files.filter((f) => f.startsWith('dist/emulator/')).sort()).toEqual([
    'dist/emulator/README.md',
    'dist/emulator/faults.d.ts',
    'dist/emulator/index.d.ts',
    'dist/emulator/index.js',
    'dist/emulator/scope-routes.d.ts',
    'dist/emulator/seed.d.ts',
    'dist/emulator/types.d.ts',
  ]);
  expect(files).toContain('dist/runtime/runtime.js');

  // Resolved by the package's own name (node's self-reference goes through `exports`), run with
  // nothing but node: the file needs no other module of the package.
  const probe = [
    "const e = require('cdktf-github-runners/emulator');",
    "const file = require.resolve('cdktf-github-runners/emulator');",
    'const own = Object.keys(require.cache).filter((k) => k !== file);',
    'e.startEmulator({ seed: { orgs: ["acme"] } }).then(async (emu) => {',
    "  console.log(JSON.stringify({ file, own, url: emu.url.startsWith('http://127.0.0.1:'), faults: typeof e.Faults.secondaryRateLimit }));",
    '  await emu.close();',
    '});',
  ].join('\n');
  const out = JSON.parse((await exec(process.execPath, ['-e', probe], { cwd: ROOT })).stdout);
  expect(out).toEqual({ file: path.join(ROOT, 'dist', 'emulator', 'index.js'), own: [], url: true, faults: 'function' });
});
