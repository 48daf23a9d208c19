/**
 * `npm run demo` (after its build and setup steps): the whole job, offline, one line per step,
 * with the credential masked. Speed is measured by `npm run bench`, not asserted here.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.resolve(__dirname, '..');

test('G16: the demo applies examples/vm-fleet, runs the VMs, lists them online, re-plans clean, destroys and shows them gone', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'demo.js')], {
    cwd: ROOT,
    env: { ...process.env, GITHUB_TOKEN: '', GH_TOKEN: '' },
    timeout: 110_000,
  });
  const lines = stdout.trimEnd().split('\n');
  const steps = lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(/\s{2,}/)[0]);
  expect(steps).toEqual([
    'emulator',
    'synth',
    'init',
    'apply',
    'vm arm-jit',
    'vm linux-1',
    'vm linux-2',
    'vm mac',
    'vm windows',
    'runners on GitHub (the emulator):',
    're-plan',
    'destroy',
    'runners',
    'done',
  ]);
  expect(lines[0]).toMatch(/credential ghp_\*{12}$/);
  expect(stdout).toContain('3 registration tokens and 1 JIT configuration minted');
  for (const vm of ['arm-jit', 'linux-1', 'linux-2', 'mac']) {
    expect(lines.find((l) => l.startsWith(`vm ${vm} `))).toContain('archive downloaded, SHA-256 verified, runner configured and started');
  }
  expect(lines.find((l) => l.startsWith('vm windows'))).toContain("its archive's SHA-256 matches the script's");
  const table = lines.filter((l) => l.startsWith('  '));
  expect(table[0].trim().split(/\s+/)).toEqual(['runner', 'scope', 'os', 'status', 'labels']);
  expect(table.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 4))).toEqual([
    [expect.stringMatching(/^linux-arm64-jit-[0-9a-f]{8}$/), 'octo-org', 'linux', 'online'],
    ['linux-x64-1', 'octo-org', 'linux', 'online'],
    ['linux-x64-2', 'octo-org', 'linux', 'online'],
    ['mac-arm64', 'octo-org/octo-repo', 'macos', 'online'],
  ]);
  expect(stdout).toContain('no changes: tokens and user data stay as they are');
  expect(stdout).toContain('none left in octo-org, octo-org/octo-repo and octo-enterprise');
  // Nothing that looks like a token or JIT configuration is printed.
  expect(stdout).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}|[A-Z0-9]{29}|eyJ[A-Za-z0-9]{20,}/);
});
