import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.resolve(__dirname, '..');

/** Synthesizes an example the way cdktf.json runs it, in a subprocess. */
async function synthExample(name: string): Promise<any> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  await promisify(execFile)('node', ['-r', './scripts/ts-register.js', `examples/${name}/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, GITHUB_TOKEN: '' },
  });
  const stacks = fs.readdirSync(path.join(outdir, 'stacks'));
  expect(stacks).toHaveLength(1);
  const dir = path.join(outdir, 'stacks', stacks[0]);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const bundle = json.data.external && Object.values<any>(json.data.external)[0].program[1];
  expect(fs.existsSync(path.join(dir, bundle))).toBe(true);
  return json;
}

describe('examples', () => {
  test('basic: one organization token, one download, outputs', async () => {
    const json = await synthExample('basic');
    const ops = Object.values<any>(json.data.external)
      .map((d) => d.query.operation)
      .sort();
    expect(ops).toEqual(['downloads', 'registration-token']);
    expect(json.output.registration_token.sensitive).toBe(true);
    expect(Object.keys(json.output).sort()).toEqual([
      'registration_token',
      'registration_token_expires_at',
      'runner_download_url',
      'runner_sha256',
      'runner_url',
      'runner_version',
    ]);
  });

  test('vm-fleet: runners across OS, architecture and scope, each with user data', async () => {
    const json = await synthExample('vm-fleet');
    expect(Object.keys(json.resource.null_resource).filter((k) => k.includes('_Identity_'))).toHaveLength(5);
    const vms = Object.entries<any>(json.resource.null_resource).filter(([k]) => k.endsWith('-vm'));
    expect(vms).toHaveLength(5);
    const scripts = vms.map(([, v]) => v.triggers.user_data as string);
    expect(scripts.filter((s) => s.startsWith('#!/usr/bin/env bash'))).toHaveLength(4);
    expect(scripts.filter((s) => s.includes("$ErrorActionPreference = 'Stop'"))).toHaveLength(1);
    const scopes = Object.values<any>(json.data.external)
      .map((d) => `${d.query.operation}:${d.query.org ?? d.query.enterprise ?? d.query.repository}`)
      .sort();
    expect(scopes).toEqual([
      'downloads:octo-org',
      'jit-configs:octo-org',
      'registration-token:octo-enterprise',
      'registration-token:octo-org',
      'registration-token:octo-repo',
    ]);
  });
});
