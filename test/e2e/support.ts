import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { Engine, RunResult, engineEnv, tempDir, tf, tfOk } from '../terraform/harness';
import { Emulator, startEmulator } from '../../lib/emulator';
import type { SeedApp } from '../../lib/emulator/types';

/** A classic PAT-shaped canary, new each run, that must never show up anywhere. */
export function canaryCredential(): string {
  return `ghp_${crypto.randomBytes(18).toString('hex')}`;
}

/**
 * A GitHub App for an emulator seed (`seed.apps`), with a private key new at every run, the key's
 * body lines (a leaked PEM shows up as these even when re-wrapped) and the environment in which
 * the runtime authenticates as the App rather than with a token.
 */
export function testApp(permissions: SeedApp['permissions']) {
  const ids = { appId: '4242', installationId: '777' };
  const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const seed: SeedApp = { ...ids, publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), permissions };
  return {
    ...ids,
    seed,
    privateKey,
    privateKeyLines: privateKey
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length >= 16 && !l.startsWith('-----')),
    env: {
      GITHUB_TOKEN: '',
      GH_TOKEN: '',
      GITHUB_APP_ID: ids.appId,
      GITHUB_APP_INSTALLATION_ID: ids.installationId,
      GITHUB_APP_PRIVATE_KEY: privateKey,
    },
  };
}

/** An emulator that knows the canary as an all-scopes classic PAT. */
export async function emulatorWith(credential: string, latencyMs = 0): Promise<Emulator> {
  const emulator = await startEmulator({ latencyMs });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
  return emulator;
}

/**
 * An emulator and its canary credential for the tests of one describe block: started before
 * them, closed after. Read the fields inside tests, once beforeAll has run.
 */
export function useEmulator(latencyMs = 0): { readonly emulator: Emulator; readonly credential: string } {
  const ctx = {} as { emulator: Emulator; credential: string };
  beforeAll(async () => {
    ctx.credential = canaryCredential();
    ctx.emulator = await emulatorWith(ctx.credential, latencyMs);
  });
  afterAll(() => ctx.emulator?.close());
  return ctx;
}

/** Synthesizes one stack into a fresh directory and returns the stack's directory. */
export function synthStack(build: (stack: TerraformStack) => void): string {
  const outdir = tempDir('e2e-synth-');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'e2e');
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  build(stack);
  app.synth();
  return path.join(outdir, 'stacks', 'e2e');
}

/** Copies a synthesized stack so that each engine works on its own state. */
export function copyStack(dir: string): string {
  const copy = tempDir('e2e-stack-');
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

/** One engine working on one stack directory with the canary credential in its environment. */
export class Workspace {
  public readonly log: string[] = [];
  constructor(
    public readonly engine: Engine,
    public readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  public static async init(engine: Engine, dir: string, credential: string, extra: NodeJS.ProcessEnv = {}): Promise<Workspace> {
    const ws = new Workspace(engine, copyStack(dir), engineEnv(engine, { GITHUB_TOKEN: credential, ...extra }));
    await ws.ok(['init', '-input=false', '-no-color']);
    return ws;
  }

  public async run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const result = await tf(this.engine, this.dir, args, { env: { ...this.env, ...env } });
    this.log.push(`$ ${this.engine.id} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  public async ok(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const result = await tfOk(this.engine, this.dir, args, { env: { ...this.env, ...env } });
    this.log.push(`$ ${this.engine.id} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  public apply(extra: string[] = []): Promise<RunResult> {
    return this.ok(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  public destroy(): Promise<RunResult> {
    return this.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  }

  /** `plan -detailed-exitcode`: 0 no changes, 2 changes. */
  public async planExitCode(): Promise<{ code: number; out: string }> {
    const r = await this.run(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    if (r.code === 1) throw new Error(`plan failed:\n${r.stdout}\n${r.stderr}`);
    return { code: r.code, out: r.stdout };
  }

  /** Output values, sensitive ones included (so not kept in the log that tests search for secrets). */
  public async outputs(): Promise<Record<string, any>> {
    const r = await tfOk(this.engine, this.dir, ['output', '-json'], { env: this.env });
    return Object.fromEntries(Object.entries<any>(JSON.parse(r.stdout)).map(([k, v]) => [k, v.value]));
  }

  public state(): string {
    const file = path.join(this.dir, 'terraform.tfstate');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Every file under the workspace (cdktf output, state, plans), as text. */
  public allFiles(): string {
    const texts: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          if (e.name !== '.terraform' && e.name !== 'providers') walk(p);
        } else texts.push(fs.readFileSync(p, 'latin1'));
      }
    };
    walk(this.dir);
    return texts.join('\n');
  }
}

/** Runs a rendered bash install script as a VM would, in a scratch install directory. */
export async function runInstallScript(script: string): Promise<{ code: number; stdout: string; stderr: string; dir: string }> {
  const dir = tempDir('e2e-vm-');
  const file = path.join(dir, 'user-data.sh');
  fs.writeFileSync(file, script, { mode: 0o700 });
  return new Promise((resolve) => {
    execFile('bash', [file], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr, dir });
    });
  });
}

/** Replaces the workspace's configuration with a newly synthesized one (a code change). */
export function replaceConfig(ws: Workspace, newStackDir: string): void {
  fs.rmSync(path.join(ws.dir, 'assets'), { recursive: true, force: true });
  fs.cpSync(path.join(newStackDir, 'assets'), path.join(ws.dir, 'assets'), { recursive: true });
  fs.copyFileSync(path.join(newStackDir, 'cdk.tf.json'), path.join(ws.dir, 'cdk.tf.json'));
}

/** Deletes a runner behind Terraform's back, as a person in GitHub's UI would. */
export async function deleteRunnerDirectly(emulator: Emulator, credential: string, scopePath: string, id: number): Promise<number> {
  const res = await fetch(`${emulator.url}${scopePath}/actions/runners/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${credential}`, accept: 'application/vnd.github+json' },
  });
  return res.status;
}

/** Polls `check` until it holds or `timeoutMs` passes (then the caller's assertion reports). */
export async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
