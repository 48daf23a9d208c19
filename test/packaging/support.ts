/**
 * What the packaging tests share: the packages `npm run package` wrote, and the apps that install
 * them, prepared once and cached under .e2e-cache/packaging/ keyed by the package inputs' hash
 * (dist/packages/stamp.json), so a second run reuses the venv and node_modules.
 */
import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGES = path.join(ROOT, 'dist', 'packages');
export const CACHE = path.join(ROOT, '.e2e-cache', 'packaging');

export interface Run { code: number; out: string }

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeout = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

export async function runOk(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv, timeout?: number): Promise<string> {
  const r = await run(cmd, args, cwd, env, timeout);
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` exited ${r.code} in ${cwd}:\n${r.out.slice(-4000)}`);
  return r.out;
}

/** The inputs' hash of the packages in dist/packages; throws when `npm run package` has not run. */
export function packagesKey(): string {
  const stamp = path.join(PACKAGES, 'stamp.json');
  if (!fs.existsSync(stamp)) throw new Error(`${stamp} is missing: run \`npm run package\` (npm test does)`);
  return JSON.parse(fs.readFileSync(stamp, 'utf8')).key;
}

/** The one file in dist/packages/<sub> matching `pattern`. */
export function packageFile(sub: string, pattern: RegExp): string {
  const dir = path.join(PACKAGES, sub);
  const hits = fs.readdirSync(dir).filter((f) => pattern.test(f));
  if (hits.length !== 1) throw new Error(`expected one ${pattern} in ${dir}, found ${hits.join(', ') || 'none'}`);
  return path.join(dir, hits[0]);
}

/**
 * A directory prepared once by `prepare` and reused while `key` holds: built under a temporary
 * name and renamed into place, so an interrupted preparation is never taken for a finished one.
 */
export async function cachedDir(name: string, key: string, prepare: (dir: string) => Promise<void>): Promise<string> {
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
  const dir = path.join(CACHE, `${name}-${hash}`);
  if (fs.existsSync(path.join(dir, '.ready'))) return dir;
  // Older preparations of the same thing go: they are never reused.
  if (fs.existsSync(CACHE)) {
    for (const f of fs.readdirSync(CACHE)) if (f.startsWith(`${name}-`)) fs.rmSync(path.join(CACHE, f), { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  await prepare(tmp);
  fs.writeFileSync(path.join(tmp, '.ready'), `${key}\n`);
  fs.renameSync(tmp, dir);
  return dir;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
