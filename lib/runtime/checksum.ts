import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { isLoopbackHost } from '../shared-checks';
import { UserError } from './errors';

/**
 * SHA-256 of a runner archive computed on this machine, for servers whose downloads answer
 * carries no `sha256_checksum` (GitHub Enterprise Server versions as in the REST reference they
 * were documented with) and for pinned versions. The archive is hashed while it streams, never
 * held in memory or written to disk, and the result is cached per URL and version so that a
 * plan does not download it again. Trust on first use: see SECURITY.md.
 */

const MAX_REDIRECTS = 5;
const CACHE_VERSION = 1;

export interface ChecksumRequest {
  readonly url: string;
  readonly version: string;
  /** GHES `temp_download_token`, sent as a Bearer to the archive's own host only; never cached. */
  readonly bearer?: string;
}

export interface ChecksumOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Seconds without a byte before the download is given up. */
  readonly idleTimeout: number;
}

/** `$XDG_CACHE_HOME/cdktf-github-runners`, else `~/.cache/cdktf-github-runners`. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = (env.XDG_CACHE_HOME ?? '').trim();
  const base =
    xdg !== '' && path.isAbsolute(xdg) ? xdg : path.join(env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir(), '.cache');
  return path.join(base, 'cdktf-github-runners');
}

/**
 * The cache file of one archive. The name is a hash of URL and version and the file holds only
 * that hash's inputs' digest and the checksum: a URL with a signed query string is never written.
 */
function cacheFile(env: NodeJS.ProcessEnv, req: ChecksumRequest): string {
  const key = crypto.createHash('sha256').update(`${CACHE_VERSION}\n${req.version}\n${req.url}`).digest('hex');
  return path.join(cacheDir(env), 'checksums', `${key}.json`);
}

/** Only a folder of this user's that nobody else can write holds checksums worth trusting. */
function trustedFolder(dir: string): boolean {
  try {
    const st = fs.statSync(dir);
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    return st.isDirectory() && mine && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readCache(file: string): string | undefined {
  if (!trustedFolder(path.dirname(file))) return undefined;
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { sha256?: unknown };
    return typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) ? v.sha256 : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, sha256: string): void {
  try {
    // 0700 folders: the cache says which runner versions this user installs, nothing more, but
    // another local user must not be able to plant a checksum in it.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.chmodSync(path.dirname(path.dirname(file)), 0o700);
    fs.chmodSync(path.dirname(file), 0o700);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ sha256, computedAt: new Date().toISOString() }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs a download at the next plan.
  }
}

/** The archive's SHA-256: from the cache, else by downloading and hashing it once. */
export async function archiveChecksum(req: ChecksumRequest, o: ChecksumOptions): Promise<{ sha256: string; cached: boolean }> {
  const file = cacheFile(o.env, req);
  const hit = readCache(file);
  if (hit) return { sha256: hit, cached: true };
  const sha256 = await hashUrl(req, o.idleTimeout);
  writeCache(file, sha256);
  return { sha256, cached: false };
}

function checkUrl(url: URL, original: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new UserError(`cannot compute the checksum of ${describe(original)}: only https URLs (or http to a loopback host) are downloaded`);
}

/** Scheme, host and path: what messages may show of a URL (a query string may be a signature). */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the download URL';
  }
}

/** Streams the archive through SHA-256, following redirects; the bearer stays on its own origin. */
async function hashUrl(req: ChecksumRequest, idleTimeout: number): Promise<string> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new UserError(`cannot compute the checksum: the download URL "${describe(req.url)}" is not a URL`);
  }
  const origin = url.origin;
  for (let hop = 0; ; hop++) {
    checkUrl(url, req.url);
    const headers: Record<string, string> = { 'user-agent': 'cdktf-github-runners', accept: 'application/octet-stream' };
    if (req.bearer && url.origin === origin) headers.authorization = `Bearer ${req.bearer}`;
    const answer = await hashOnce(url, headers, idleTimeout);
    if ('sha256' in answer) return answer.sha256;
    if (answer.status !== 0) {
      throw new UserError(
        `cannot compute the checksum of ${describe(req.url)}: the download answered ${answer.status}; check that the archive exists, or pin sha256Checksum instead`,
      );
    }
    if (hop >= MAX_REDIRECTS)
      throw new UserError(`cannot compute the checksum of ${describe(req.url)}: more than ${MAX_REDIRECTS} redirects`);
    url = new URL(answer.location, url);
  }
}

type Answer = { sha256: string } | { status: number; location: string };

function hashOnce(url: URL, headers: Record<string, string>, idleTimeout: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const fail = (why: string) => reject(new UserError(`cannot compute the checksum of ${describe(url.href)}: ${why}`));
    const request = mod.get(url, { headers }, (res) => {
      const status = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
        res.resume();
        resolve({ status: 0, location: res.headers.location });
        return;
      }
      if (status !== 200) {
        res.resume();
        resolve({ status, location: '' });
        return;
      }
      const hash = crypto.createHash('sha256');
      res.on('data', (chunk: Buffer) => hash.update(chunk));
      res.on('aborted', () => fail('the connection closed mid-download'));
      res.on('error', (e) => fail(e.message));
      res.on('end', () => {
        if (!res.complete) return fail('the connection closed mid-download');
        resolve({ sha256: hash.digest('hex') });
      });
    });
    // An idle timeout, not a total one: a large archive over a slow link may take minutes.
    request.setTimeout(idleTimeout * 1000, () => request.destroy(new Error(`no data for ${idleTimeout} s`)));
    request.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
  });
}
