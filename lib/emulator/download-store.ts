import * as crypto from 'crypto';
import { tarGz, zip } from './archive';
import { Clock } from './clock';
import { opaqueJwt } from './ids';
import { DOWNLOAD_OS, isArch } from './labels-model';
import { VERSION_PATTERN } from './seed';
import { stubEntries } from './stub-scripts';

export const DOWNLOADS_PREFIX = '/_emulator/downloads/';
const TEMP_TOKEN_TTL_MS = 3600 * 1000;

export interface Archive {
  bytes: Buffer;
  sha256: string;
  contentType: string;
}

export interface ArchiveRequest {
  os: string;
  arch: string;
  version: string;
  filename: string;
}

export function archiveFilename(os: string, arch: string, version: string): string {
  return `actions-runner-${os}-${arch}-${version}.${os === 'win' ? 'zip' : 'tar.gz'}`;
}

/** Where an archive lives, mirroring github.com's `releases/download/vVERSION/FILENAME` layout. */
export function archivePath(os: string, arch: string, version: string): string {
  return `${DOWNLOADS_PREFIX}v${version}/${archiveFilename(os, arch, version)}`;
}

/** Parses `/_emulator/downloads/v2.329.0/actions-runner-linux-x64-2.329.0.tar.gz`. */
export function parseArchivePath(path: string): ArchiveRequest | undefined {
  const m = /^\/_emulator\/downloads\/v(\d+\.\d+\.\d+)\/actions-runner-([a-z]+)-([a-z0-9]+)-(\d+\.\d+\.\d+)\.(tar\.gz|zip)$/.exec(path);
  if (!m) return undefined;
  const [, version, os, arch, fileVersion, ext] = m;
  if (version !== fileVersion || !VERSION_PATTERN.test(version)) return undefined;
  if (!(DOWNLOAD_OS as readonly string[]).includes(os) || !isArch(arch)) return undefined;
  if ((os === 'win') !== (ext === 'zip')) return undefined;
  return { os, arch, version, filename: archiveFilename(os, arch, version) };
}

/** Runner archives built on demand for any version, cached, with their checksums. */
export class DownloadStore {
  tampered = false;
  private readonly cache = new Map<string, Archive>();
  private readonly tempTokens = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly tempDownloadTokens: boolean,
  ) {}

  archive(os: string, arch: string, version: string, tampered: boolean): Archive {
    const key = `${os}/${arch}/${version}/${tampered}`;
    let a = this.cache.get(key);
    if (!a) {
      const entries = stubEntries(os, arch, version, tampered);
      const bytes = os === 'win' ? zip(entries) : tarGz(entries);
      a = {
        bytes,
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
        contentType: os === 'win' ? 'application/zip' : 'application/gzip',
      };
      this.cache.set(key, a);
    }
    return a;
  }

  /** What a client downloads right now (tampered bytes when the switch is on). */
  served(req: ArchiveRequest): Archive {
    return this.archive(req.os, req.arch, req.version, this.tampered);
  }

  /** The checksum GitHub publishes: always that of the genuine archive. */
  checksum(os: string, arch: string, version: string): string {
    return this.archive(os, arch, version, false).sha256;
  }

  /** A short-lived bearer for the archives, as GHES hands out with `/downloads`. */
  issueTempToken(): string {
    const now = this.clock.now();
    for (const [t, exp] of this.tempTokens) if (exp <= now) this.tempTokens.delete(t);
    const token = opaqueJwt({
      scp: 'ActionsRuntime.PackageDownload',
      nbf: Math.floor(now / 1000),
      exp: Math.floor((now + TEMP_TOKEN_TTL_MS) / 1000),
    });
    this.tempTokens.set(token, now + TEMP_TOKEN_TTL_MS);
    return token;
  }

  acceptsTempToken(authorization: string | undefined): boolean {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return false;
    const exp = this.tempTokens.get(m[1]);
    return exp !== undefined && exp > this.clock.now();
  }
}
