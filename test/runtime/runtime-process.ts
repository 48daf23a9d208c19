import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Emulator, startEmulator } from '../../lib/emulator';
import { spawnCollect } from '../support/spawn-collect';

/** The bundled program, exactly the file the constructs ship into cdktf.out. */
export const RUNTIME = path.resolve(__dirname, '..', '..', 'dist', 'runtime', 'runtime.js');

export function requireBundle(): void {
  if (!fs.existsSync(RUNTIME)) {
    throw new Error(`${RUNTIME} is missing: run "npm run build" (or "node scripts/bundle.js") first`);
  }
}

/** A classic-PAT-shaped canary, new at every run, that must never appear in any output. */
export function canaryToken(prefix = 'ghp_'): string {
  return `${prefix}${crypto.randomBytes(20).toString('hex')}`;
}

export const ALL_SCOPES = ['repo', 'admin:org', 'manage_runners:enterprise'];

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  /** Debug lines on (default), so that the secret checks cover them too. */
  readonly debug?: boolean;
}

/**
 * Runs the bundle as Terraform does: `node runtime.js ...`, from an empty temporary directory,
 * with an environment holding nothing but PATH to node and what the test passes, so it proves
 * that the program needs only node. Asynchronous, so the in-process emulator can answer.
 */
export async function run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  requireBundle();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-test-'));
  const env: Record<string, string> = {
    PATH: path.dirname(process.execPath),
    ...(opts.debug === false ? {} : { CDKTF_GITHUB_RUNNERS_DEBUG: '1' }),
    ...opts.env,
  };
  const started = Date.now();
  try {
    const r = await spawnCollect(process.execPath, [RUNTIME, ...args], { cwd, env, stdin: opts.stdin ?? '' });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** `node runtime.js data` with a query, as the external data source runs it. */
export function data(query: Record<string, string>, opts: RunOptions = {}): Promise<RunResult> {
  return run(['data'], { ...opts, stdin: JSON.stringify(query) });
}

/** Parses a successful data-source answer: one JSON object whose values are all strings. */
export function result(r: RunResult): Record<string, string> {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new Error(`result key ${k} is not a string`);
  }
  return parsed;
}

/** The one-line error of a failed run. */
export function failure(r: RunResult): string {
  if (r.code === 0) throw new Error(`expected a failure, got exit 0: ${r.stdout}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.includes(': debug '));
  if (lines.length !== 1) throw new Error(`expected one error line, got ${lines.length}:\n${r.stderr}`);
  expect(lines[0].startsWith('cdktf-github-runners: ')).toBe(true);
  expect(r.stdout).toBe('');
  return lines[0];
}

/** The secret appears nowhere: not in stdout, stderr (debug lines included). */
export function expectNoSecret(r: RunResult, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

export interface ScopeCase {
  readonly name: string;
  /** Emulator scope ref. */
  readonly ref: string;
  readonly query: Record<string, string>;
  readonly flags: string[];
  readonly label: string;
  readonly webPath: string;
}

export const SCOPES: ScopeCase[] = [
  {
    name: 'enterprise',
    ref: 'enterprise:octo-enterprise',
    query: { enterprise: 'octo-enterprise' },
    flags: ['--enterprise', 'octo-enterprise'],
    label: 'enterprise "octo-enterprise"',
    webPath: 'enterprises/octo-enterprise',
  },
  {
    name: 'org',
    ref: 'org:octo-org',
    query: { org: 'octo-org' },
    flags: ['--org', 'octo-org'],
    label: 'organization "octo-org"',
    webPath: 'octo-org',
  },
  {
    name: 'repo',
    ref: 'repo:octo-org/octo-repo',
    query: { owner: 'octo-org', repository: 'octo-repo' },
    flags: ['--repo', 'octo-org/octo-repo'],
    label: 'repository "octo-org/octo-repo"',
    webPath: 'octo-org/octo-repo',
  },
];

/** Query keys that connect to the emulator with the canary in GITHUB_TOKEN. */
export function conn(emulator: Emulator): Record<string, string> {
  return { contract_version: '1', api_url: emulator.url };
}

let seq = 0;
/** A runner name unique within this test process. */
export function uniqueName(base: string): string {
  return `${base}-${process.pid}-${++seq}`;
}

/**
 * An emulator for the tests of one file (or describe block), started before them and closed
 * after, accepting `credential` as a classic token with every scope.
 */
export function emulatorFor(credential: string): { readonly emulator: Emulator } {
  const ctx = {} as { emulator: Emulator };
  beforeAll(async () => {
    ctx.emulator = await startEmulator();
    ctx.emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
  });
  afterAll(() => ctx.emulator?.close());
  return ctx;
}
