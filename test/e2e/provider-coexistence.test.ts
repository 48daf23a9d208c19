import * as fs from 'fs';
import * as path from 'path';
import { ExternalProvider } from '@cdktf/provider-external/lib/provider';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
// Another installed version of the provider package (10.x, an npm alias in devDependencies): its
// classes are not the library's, so only a check by provider type can see them.
import { NullProvider as NullProviderV10 } from 'provider-null-v10/lib/provider';
import { OrgRunner, OrgRunnerToken, RunnerDownload } from '../../lib';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, synthStack, useEmulator } from './support';

const apiUrl = 'http://127.0.0.1:1';

function constructs(s: Construct, url = apiUrl): void {
  new OrgRunner(s, 'Runner', { org: 'octo-org', apiUrl: url, name: 'coexist-reg' });
  new OrgRunner(s, 'Jit', { org: 'octo-org', apiUrl: url, name: 'coexist-jit', jit: true });
  new OrgRunnerToken(s, 'Token', { org: 'octo-org', apiUrl: url });
  new RunnerDownload(s, 'Download', { org: 'octo-org', apiUrl: url, os: 'linux', architecture: 'x64' });
}

function json(dir: string): any {
  return JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
}

const engine = engines()[0];

describe(`the stack's own null and external providers (validated on ${engine.id})`, () => {
  const ctx = useEmulator();
  const validate = async (dir: string) => {
    const ws = await Workspace.init(engine, dir, ctx.credential);
    await ws.ok(['validate', '-no-color']);
    return ws;
  };

  test('user providers declared before the constructs are the only default configurations', async () => {
    const dir = synthStack((s) => {
      new NullProvider(s, 'null');
      new ExternalProvider(s, 'external');
      constructs(s);
    });
    expect(json(dir).provider).toEqual({ null: [{}], external: [{}] });
    await validate(dir);
  }, 120_000);

  test('user providers declared after the constructs are seen at synth time', async () => {
    const dir = synthStack((s) => {
      constructs(s);
      new NullProvider(s, 'null');
      new ExternalProvider(s, 'external');
    });
    expect(json(dir).provider).toEqual({ null: [{}], external: [{}] });
    await validate(dir);
  }, 120_000);

  test('aliased user providers stay untouched and the constructs get the default configuration', async () => {
    const dir = synthStack((s) => {
      new NullProvider(s, 'null-aliased', { alias: 'mine' });
      constructs(s);
      new ExternalProvider(s, 'external-aliased', { alias: 'theirs' });
    });
    const provider = json(dir).provider;
    expect(provider.null).toHaveLength(2);
    expect(provider.null).toEqual(expect.arrayContaining([{ alias: 'mine' }, {}]));
    expect(provider.external).toEqual(expect.arrayContaining([{ alias: 'theirs' }, {}]));
    expect(provider.external).toHaveLength(2);
    await validate(dir);
  }, 120_000);

  test('a NullProvider of @cdktf/provider-null 10.x, after the constructs, is the only null configuration; applied', async () => {
    const dir = synthStack((s) => {
      constructs(s, ctx.emulator.url);
      new NullProviderV10(s, 'null-v10');
      new TerraformOutput(s, 'name', { value: 'ok' });
    });
    expect(json(dir).provider.null).toEqual([{}]);
    expect(json(dir).provider.external).toEqual([{}]);
    const ws = await validate(dir);
    const jitRunners = () => ctx.emulator.runners('org:octo-org').filter((r) => r.name.startsWith('coexist-jit-'));
    const tokensBefore = ctx.emulator.tokensIssued.length;
    await ws.apply();
    expect(jitRunners()).toHaveLength(1);
    expect(ctx.emulator.tokensIssued.length).toBeGreaterThan(tokensBefore);
    expect((await ws.planExitCode()).code).toBe(0);
    await ws.destroy();
    expect(jitRunners()).toEqual([]);
  }, 300_000);

  test('an app of two stacks: each gets what it lacks, nothing more', async () => {
    const outdir = tempDir('coexist-app-');
    const app = new App({ outdir });
    const own = new TerraformStack(app, 'own');
    new LocalBackend(own, { path: 'terraform.tfstate' });
    constructs(own);
    new NullProvider(own, 'null');
    const bare = new TerraformStack(app, 'bare');
    new LocalBackend(bare, { path: 'terraform.tfstate' });
    constructs(bare);
    app.synth();
    const ownDir = path.join(outdir, 'stacks', 'own');
    const bareDir = path.join(outdir, 'stacks', 'bare');
    expect(json(ownDir).provider).toEqual({ null: [{}], external: [{}] });
    expect(json(bareDir).provider).toEqual({ null: [{}], external: [{}] });
    expect(own.node.tryFindChild('GitHubRunnersNullProvider')).toBeUndefined();
    expect(own.node.tryFindChild('GitHubRunnersExternalProvider')).toBeDefined();
    expect(bare.node.tryFindChild('GitHubRunnersNullProvider')).toBeDefined();
    await validate(ownDir);
    await validate(bareDir);
  }, 180_000);
});
