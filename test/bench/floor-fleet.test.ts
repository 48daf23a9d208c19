import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bench is CommonJS without types, loaded as node runs it
const { sameTerraform } = require('../../bench/lib/stacks');

/**
 * The synth and plan benchmarks compare the library with a hand-written floor that must
 * synthesize the same Terraform JSON; `npm run bench` refuses to run when they differ. This
 * keeps a change to the constructs from breaking the benchmark unnoticed.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function synth(app: string, vms: boolean): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `floor-${app}-`));
  const args = [path.join(ROOT, 'bench', 'apps', `${app}-fleet.js`), '--runners', '3', '--api-url', 'http://127.0.0.1:1', '--out', out];
  execFileSync(process.execPath, vms ? [...args, '--vms'] : args, { cwd: ROOT, stdio: 'pipe' });
  return path.join(out, 'stacks', 'fleet');
}

test.each([
  ['with VMs', true],
  ['without VMs', false],
])('the floor fleet synthesizes the same Terraform JSON as the library fleet, %s', (_what, vms) => {
  expect(sameTerraform(synth('library', vms), synth('floor', vms))).toBe(true);
});
