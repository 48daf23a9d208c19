// A user's own jest test: synthesize the stack, apply it with Terraform against the offline
// GitHub emulator, check what GitHub would hold, destroy, check it is gone. No GitHub account,
// no network. Terraform comes from $TERRAFORM (default `terraform` on PATH).
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { App, TerraformStack } from 'cdktf';
import { Emulator, startEmulator } from 'cdktf-github-runners/emulator';
import { buildFleet } from './stack';

const terraform = process.env.TERRAFORM ?? 'terraform';
const token = 'ghp_' + 'x'.repeat(36); // any value: it only has to match what the emulator was given
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  // Any organization name works: the emulator creates it on first use.
  emulator = await startEmulator();
  emulator.addToken({ token, kind: 'classic', scopes: ['admin:org'] });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
  const app = new App({ outdir });
  buildFleet(new TerraformStack(app, 'fleet'), { org: 'my-company', apiUrl: emulator.url });
  app.synth();
  dir = path.join(outdir, 'stacks', 'fleet');
});
afterAll(() => emulator?.close());

// Asynchronous on purpose: the emulator answers from this process while Terraform runs.
const tf = (...args: string[]) =>
  promisify(execFile)(terraform, [...args, '-input=false', '-no-color'], {
    cwd: dir,
    env: { ...process.env, GITHUB_TOKEN: token },
  });

test('the fleet registers on apply and is deleted on destroy', async () => {
  await tf('init');
  await tf('apply', '-auto-approve');
  // The JIT runner exists from apply on; the other gets a registration token for its VM.
  expect(emulator.runners('org:my-company').map((r) => r.name)).toEqual([expect.stringMatching(/^build-jit-[0-9a-f]{8}$/)]);
  expect(emulator.tokensIssued.filter((t) => t.kind === 'registration')).toHaveLength(1);

  const { stdout } = await tf('plan', '-detailed-exitcode');
  expect(stdout).toContain('No changes');

  await tf('destroy', '-auto-approve');
  expect(emulator.runners('org:my-company')).toEqual([]);
}, 180_000);
