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

export interface Run {
  code: number;
  out: string;
}

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
/** Whether the process that took `lock` still runs (a killed run's lock is taken over). */
function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

export async function cachedDir(name: string, key: string, prepare: (dir: string) => Promise<void>): Promise<string> {
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
  const dir = path.join(CACHE, `${name}-${hash}`);
  const ready = () => fs.existsSync(path.join(dir, '.ready'));
  if (ready()) return dir;
  fs.mkdirSync(CACHE, { recursive: true });
  // Jest workers may ask for the same directory at once: one prepares, the others wait for it.
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      if (!holderAlive(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
      if (ready()) return dir;
    }
  }
  try {
    if (ready()) return dir;
    // Preparations for other keys are never reused: they go.
    for (const f of fs.readdirSync(CACHE)) {
      if (f.startsWith(`${name}-`) && !f.startsWith(`${name}-${hash}`) && !f.endsWith('.lock'))
        fs.rmSync(path.join(CACHE, f), { recursive: true, force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const tmp = `${dir}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    await prepare(tmp);
    fs.writeFileSync(path.join(tmp, '.ready'), `${key}\n`);
    fs.renameSync(tmp, dir);
    return dir;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export const CDKTF_PYPI = 'cdktf==0.21.0';

/** A venv with PyPI's cdktf 0.21.0 and the wheel `npm run package` wrote. */
export async function pythonVenv(): Promise<string> {
  const wheel = packageFile('python', /^cdktf_github_runners-.*\.whl$/);
  const pyVersion = (await runOk('python3', ['--version'], ROOT)).trim();
  const dir = await cachedDir('python-venv', `${packagesKey()} ${CDKTF_PYPI} ${pyVersion}`, async (d) => {
    await runOk('python3', ['-m', 'venv', d], ROOT);
    await runOk(
      path.join(d, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', CDKTF_PYPI, wheel],
      ROOT,
      process.env,
      600_000,
    );
  });
  return path.join(dir, 'bin', 'python');
}

export const CDKTN = '0.24.0';
export const CONSTRUCTS_FOR_CDKTN = '10.7.2';
export const NPM = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];

/** A fresh cdktn app (package.json, main.ts compiled to main.js) with the cdktn tarball installed. */
/** Type-checks `main.ts` in `dir` as a user's editor would, against the installed package's declarations. */
export async function typeCheckApp(dir: string): Promise<void> {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const types = path.join(ROOT, 'node_modules', '@types');
  const flags = ['--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'commonjs', '--types', 'node', '--typeRoots', types];
  await runOk(process.execPath, [tsc, ...flags, 'main.ts'], dir);
}

export async function cdktnApp(): Promise<string> {
  const tarball = packageFile('.', /^cdktn-github-runners-.*\.tgz$/);
  return cachedDir(
    'cdktn-app',
    `${packagesKey()} ${sha256File(tarball)} ${sha256File(path.join(__dirname, 'apps', 'cdktn-main.ts'))} cdktn@${CDKTN} constructs@${CONSTRUCTS_FOR_CDKTN}`,
    async (d) => {
      fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name: 'terrain-app', private: true }));
      await runOk('npm', ['install', ...NPM, `cdktn@${CDKTN}`, `constructs@${CONSTRUCTS_FOR_CDKTN}`, tarball], d);
      fs.copyFileSync(path.join(__dirname, 'apps', 'cdktn-main.ts'), path.join(d, 'main.ts'));
      await typeCheckApp(d);
    },
  );
}
