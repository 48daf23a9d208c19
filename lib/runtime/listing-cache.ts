import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Api } from './client';
import { listRunnersStable, probeByName, Runner, RunnerPage, sameName } from './operations';
import { scopeLabel } from './github-scope';

/**
 * Finding runners by name on a server that ignores the list's `name` filter, shared by the
 * processes of one parallel destroy (or apply). Terraform runs each runner's provisioner in its
 * own process, ten at a time; alone, each would walk every page of the scope to find one runner
 * (at 1,000 runners that is 11 requests per runner). Instead, one process walks (see
 * listRunnersStable) and leaves the result in a per-user cache file that the others read.
 *
 * The file holds runner ids, names and labels of one scope (no secret), lives in a 0700 folder
 * under XDG_CACHE_HOME (or ~/.cache), is written atomically (rename) and trusted for CACHE_TTL_MS.
 * A cached entry is only a hint for acting: a runner found in it is deleted by its id, and a 404
 * sends the caller back to a fresh lookup; a name missing from it counts as absent only if the
 * walk that produced it started after this process did, since only then did the runner (created
 * before the destroy began) exist throughout that walk.
 */
export const CACHE_TTL_MS = 60_000;
/** A walk holding the lock longer than this is presumed dead. */
const LOCK_STALE_MS = 60_000;
const POLL_MS = 100;
/** The created-runners journal is dropped past this size (some 15,000 entries). */
const JOURNAL_MAX_BYTES = 1 << 20;

interface CacheFile {
  readonly version: 1;
  readonly key: string;
  /** When the walk began (Date.now()): a name missing from it is absent for a lookup begun earlier. */
  readonly walkStartedAt: number;
  readonly runners: { id: number; name: string; labels: string[]; status: string; busy: boolean; os: string }[];
}

export interface Found {
  readonly runner?: Runner;
  /** The answer came from another process's walk (a hint: confirm before concluding "not ours"). */
  readonly cached: boolean;
}

export class ScopeListing {
  private readonly key: string;
  private readonly dir: string | undefined;
  /** When this process started looking: walks begun after it are authoritative for a miss. */
  private readonly startedAt = Date.now();

  constructor(
    private readonly api: Api,
    env: NodeJS.ProcessEnv,
  ) {
    this.key = `${api.connection.apiUrl}|${scopeLabel(api.scope)}`;
    this.dir = cacheDir(env);
  }

  /**
   * The runner of this name. `fresh`: ignore what other processes walked before now (after a
   * cached id answered 404, or before deciding that a cached runner is not ours). A name missing
   * from a listing walked before this process started is looked up again, never taken as absent.
   */
  public async find(name: string, fresh = false): Promise<Found> {
    const since = fresh ? Date.now() : this.startedAt;
    if (!fresh) {
      const cached = this.read();
      if (cached) {
        const hit = cached.runners.find((r) => sameName(r.name, name));
        if (hit) return { runner: fromCache(hit), cached: true };
        if (cached.walkStartedAt >= since) return { cached: true };
        return { runner: (await this.sharedWalk(since)).find((r) => sameName(r.name, name)), cached: false };
      }
    }
    const probe = await probeByName(this.api, name);
    // A `?name=` answer is never shared nor reused as the head of a walk, even when the server
    // seems to ignore the filter: one that filters by prefix or substring answers part of the
    // list, and a partial listing taken for the whole would make other processes call their
    // runner gone.
    if (probe.complete || probe.match) return { runner: probe.match, cached: false };
    return { runner: (await this.sharedWalk(since)).find((r) => sameName(r.name, name)), cached: false };
  }

  /**
   * Every runner of the scope for a JIT read's "does this generation name exist yet?": a walk up to
   * CACHE_TTL_MS old (another read's, or one this call does and shares), plus the runners this
   * user minted since that walk began. A miss may be stale only for a runner minted elsewhere in
   * that minute; its mint then answers 409, which the caller takes as "exists" (see jitConfigs).
   * So a plan of N JIT runners, each read in its own process, lists the scope about once.
   */
  public async snapshot(): Promise<Runner[]> {
    const cached = this.read();
    if (cached) return cached.runners.map(fromCache);
    return this.sharedWalk(Date.now() - CACHE_TTL_MS);
  }

  /**
   * Records a runner this process just created, for snapshots of walks begun before it (one line
   * appended to the scope's journal, written whole by O_APPEND).
   */
  public noteCreated(runner: { id: number; name: string }): void {
    if (!this.dir) return;
    const line = JSON.stringify({ id: runner.id, name: runner.name, at: Date.now() });
    try {
      fs.appendFileSync(path.join(this.dir, `${this.fileKey()}.created`), `${line}\n`, { mode: 0o600 });
    } catch {
      // Without the journal a later read may try the mint again: GitHub answers 409, taken as "exists".
    }
  }

  /**
   * Every runner, from a walk begun at or after `since`: this process's own, or one another
   * process is doing right now (waiting for it rather than walking the same pages again).
   */
  private async sharedWalk(since: number, first?: RunnerPage, firstAt?: number): Promise<Runner[]> {
    const lock = this.dir ? path.join(this.dir, `${this.fileKey()}.lock`) : undefined;
    for (;;) {
      if (!lock || this.tryLock(lock)) {
        try {
          // The probe's page 1 may head the walk when it was read after `since`.
          const reuse = first !== undefined && firstAt !== undefined && firstAt >= since;
          const started = reuse ? firstAt : Date.now();
          const runners = await listRunnersStable(this.api, reuse ? first : undefined);
          this.write(runners, started);
          return runners;
        } finally {
          if (lock) fs.rmSync(lock, { force: true });
        }
      }
      // Another process walks: wait for its result, or for its lock to go (or go stale).
      while (fs.existsSync(lock) && !this.isStale(lock)) {
        const cached = this.read();
        if (cached && cached.walkStartedAt >= since) return cached.runners.map(fromCache);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const cached = this.read();
      if (cached && cached.walkStartedAt >= since) return cached.runners.map(fromCache);
      if (this.isStale(lock)) fs.rmSync(lock, { force: true });
    }
  }

  private fileKey(): string {
    return crypto.createHash('sha256').update(this.key).digest('hex').slice(0, 24);
  }

  private tryLock(lock: string): boolean {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }

  private isStale(lock: string): boolean {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS;
    } catch {
      return false;
    }
  }

  private read(): CacheFile | undefined {
    if (!this.dir) return undefined;
    const file = path.join(this.dir, `${this.fileKey()}.json`);
    try {
      const st = fs.lstatSync(file);
      // A time in the future (a clock stepped back, a hand-made file) is no proof of freshness.
      const fresh = (t: number) => t <= Date.now() && Date.now() - t <= CACHE_TTL_MS;
      if (!st.isFile() || !fresh(st.mtimeMs)) return undefined;
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
      if (data.version !== 1 || data.key !== this.key || typeof data.walkStartedAt !== 'number' || !Array.isArray(data.runners))
        return undefined;
      if (!fresh(data.walkStartedAt)) return undefined;
      const ok = data.runners.every(
        (r) =>
          typeof r?.id === 'number' &&
          typeof r.name === 'string' &&
          Array.isArray(r.labels) &&
          r.labels.every((l) => typeof l === 'string'),
      );
      return ok ? { ...data, runners: [...data.runners, ...this.createdSince(data.walkStartedAt, data.runners)] } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Runners the journal says were created at or after `since` and missing from `known`. */
  private createdSince(since: number, known: CacheFile['runners']): CacheFile['runners'] {
    const file = path.join(this.dir!, `${this.fileKey()}.created`);
    let text: string;
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || Date.now() - st.mtimeMs > CACHE_TTL_MS) return [];
      // Only hints, never pruned line by line: past a size, start it afresh.
      if (st.size > JOURNAL_MAX_BYTES) {
        fs.rmSync(file, { force: true });
        return [];
      }
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const names = new Set(known.map((r) => r.name.toLowerCase()));
    const out: CacheFile['runners'] = [];
    for (const line of text.split('\n')) {
      try {
        const e = JSON.parse(line) as { id?: unknown; name?: unknown; at?: unknown };
        if (typeof e.id !== 'number' || typeof e.name !== 'string' || typeof e.at !== 'number') continue;
        if (e.at < since || e.at > Date.now() || names.has(e.name.toLowerCase())) continue;
        names.add(e.name.toLowerCase());
        out.push({ id: e.id, name: e.name, labels: [], status: 'offline', busy: false, os: '' });
      } catch {
        // A torn or foreign line is skipped: the journal only ever adds hints.
      }
    }
    return out;
  }

  private write(runners: Runner[], walkStartedAt: number): void {
    if (!this.dir) return;
    const file = path.join(this.dir, `${this.fileKey()}.json`);
    const body: CacheFile = {
      version: 1,
      key: this.key,
      walkStartedAt,
      runners: runners.map((r) => ({
        id: r.id,
        name: r.name,
        labels: (r.labels ?? []).map((l) => String(l?.name)),
        status: String(r.status),
        busy: r.busy === true,
        os: String(r.os),
      })),
    };
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(body), { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
}

function fromCache(r: CacheFile['runners'][number]): Runner {
  return { id: r.id, name: r.name, labels: r.labels.map((name) => ({ name })), status: r.status, busy: r.busy, os: r.os };
}

/**
 * `$XDG_CACHE_HOME/cdktf-github-runners` (or `~/.cache/...`), 0700 and owned by this user;
 * undefined (no sharing: each process walks on its own) when it cannot be made so.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let base: string;
  try {
    base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  } catch {
    return undefined;
  }
  const dir = path.join(base, 'cdktf-github-runners');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (process.platform !== 'win32') {
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
      if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
    }
    return dir;
  } catch {
    return undefined;
  }
}
