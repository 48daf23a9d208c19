import * as fs from 'fs';
import * as path from 'path';
import { TerraformOutput } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OrgRunner, OrgRunnerToken, RunnerDownload } from '../../lib';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, synthStack, useEmulator } from './support';

describe.each(engines().map((e) => [e.id, e] as const))('secrets on %s', (_id, engine) => {
  const ctx = useEmulator();

  test('no ctx.credential in cdktf.out, state, plan JSON or logs; tokens only in state, marked sensitive', async () => {
    const apiUrl = ctx.emulator.url;
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: 'octo-org', apiUrl, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: 'octo-org', apiUrl, name: `secret-${engine.id}` });
      const jit = new OrgRunner(s, 'Jit', { org: 'octo-org', apiUrl, name: `secret-jit-${engine.id}`, jit: true });
      new NullResource(s, 'Vm', { triggers: { user_data: runner.installScript(download, { installDir: tempDir('r-') }) } });
      new NullResource(s, 'JitVm', { triggers: { user_data: jit.installScript(download) } });
      const token = new OrgRunnerToken(s, 'Token', { org: 'octo-org', apiUrl });
      new TerraformOutput(s, 'token', { value: token.token, sensitive: true });
      new TerraformOutput(s, 'runner_token', { value: runner.token, sensitive: true });
      new TerraformOutput(s, 'jit_config', { value: jit.jitConfig, sensitive: true });
    });
    const synthesized = fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f)))
      .filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, 'latin1')).join('\n');
    expect(synthesized).not.toContain(ctx.credential);

    const logFile = path.join(tempDir('log-'), 'tf.log');
    const ws = await Workspace.init(engine, dir, ctx.credential, { CDKTF_GITHUB_RUNNERS_DEBUG: '1', TF_LOG: 'DEBUG', TF_LOG_PATH: logFile });
    const apply = await ws.apply();
    const out = await ws.outputs();
    const secrets = [out.token, out.runner_token, out.jit_config];
    for (const s of secrets) expect(s.length).toBeGreaterThan(20);

    const plan = await ws.ok(['plan', '-out=tfplan', '-input=false', '-no-color']);
    const planJson = (await ws.ok(['show', '-json', 'tfplan'])).stdout;
    expect(planJson).not.toContain(ctx.credential);
    for (const text of [apply.stdout, apply.stderr, plan.stdout, plan.stderr]) {
      for (const s of [ctx.credential, ...secrets]) expect(text).not.toContain(s);
    }
    expect(apply.stdout).toMatch(/\(sensitive value\)/);

    const state = JSON.parse(ws.state());
    expect(ws.state()).not.toContain(ctx.credential);
    const creds = state.resources.filter((r: any) => r.type === 'null_resource' && r.name.includes('Credentials'));
    expect(creds).toHaveLength(2);
    for (const r of creds) {
      const marked = JSON.stringify(r.instances[0].sensitive_attributes);
      expect(marked).toMatch(/"triggers"/);
    }
    // Terraform's own debug log holds the provisioners' and data sources' stderr (runtime debug on).
    expect(fs.readFileSync(logFile, 'utf8')).not.toContain(ctx.credential);
    await ws.destroy();
    expect(ws.allFiles()).not.toContain(ctx.credential);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });
});
