import { DownloadField, downloadKey, LATEST_VERSION_KEY, RUNNER_ARCH, RUNNER_OS } from '../contract';
import { ARCH_ALIASES, OS_ALIASES, aliasList, canonicalName } from '../shared-checks';
import { bad, checkChecksum, checkDownloadToken, checkDownloadUrl, checkFilename } from './answers';
import { ApiConnection } from './api-connection';
import { archiveChecksum, ChecksumOptions } from './checksum';
import { UserError } from './errors';
import { Download } from './operations';
import { stderrLine } from './redact';

export interface PlatformRequest {
  /** As written in the query, used for the result keys. */
  readonly text: string;
  /** GitHub's names: `linux/x64`. */
  readonly platform: string;
  readonly os: string;
  readonly arch: string;
  readonly version?: string;
}

const VERSION = /^\d+\.\d+\.\d+$/;

export function normalizeOs(v: string): string {
  const os = canonicalName(v, OS_ALIASES);
  if (!os) throw new UserError(`unknown runner os "${v}": use ${RUNNER_OS.join(', ')} (aliases: ${aliasList(OS_ALIASES)})`);
  return os;
}

export function normalizeArch(v: string): string {
  const arch = canonicalName(v, ARCH_ALIASES);
  if (!arch) throw new UserError(`unknown runner architecture "${v}": use ${RUNNER_ARCH.join(', ')} (aliases: ${aliasList(ARCH_ALIASES)})`);
  return arch;
}

/** `linux/x64`, `macos/arm64@2.321.0`, comma-separated. */
export function parsePlatforms(value: string): PlatformRequest[] {
  const out: PlatformRequest[] = [];
  for (const raw of value.split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const m = /^([^/@\s]+)\/([^/@\s]+)(?:@(.+))?$/.exec(text);
    if (!m) throw new UserError(`platform "${text}" is not os/arch or os/arch@version (for example linux/x64 or linux/arm64@2.329.0)`);
    const os = normalizeOs(m[1]);
    const arch = normalizeArch(m[2]);
    const version = m[3]?.trim().replace(/^v/, '');
    if (version !== undefined && !VERSION.test(version)) {
      throw new UserError(`platform "${text}": version "${m[3]}" is not a runner version like 2.329.0`);
    }
    out.push({ text, platform: `${os}/${arch}`, os, arch, version });
  }
  return out;
}

/** The runner version in a download filename: `actions-runner-linux-x64-2.329.0.tar.gz` -> `2.329.0`. */
export function versionOf(filename: string): string | undefined {
  return /-(\d+\.\d+\.\d+)\.(?:tar\.gz|zip)$/.exec(filename)?.[1];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/**
 * The downloads result: per requested platform (all offered ones when none are requested) the
 * fields of {@link DownloadField}, plus `latest_version`. A pinned version other than the API's
 * is derived by replacing the version in the URL and filename; its checksum is unknown (empty).
 */
export function downloadsResult(
  downloads: Download[],
  requested: PlatformRequest[],
  where: string,
  server: ApiConnection,
  extraHosts: readonly string[] = [],
): Record<string, string> {
  const offered = new Map<string, Download>();
  for (const d of downloads) {
    if (d === null || typeof d !== 'object') throw bad(server, 'downloads entry', 'an object');
    if (typeof d.os === 'string' && typeof d.architecture === 'string') offered.set(`${d.os}/${d.architecture}`, d);
  }
  const versions = downloads
    .map((d) => (typeof d.filename === 'string' ? versionOf(d.filename) : undefined))
    .filter((v): v is string => v !== undefined);
  const latest = versions.sort(compareVersions).pop() ?? '';
  const result: Record<string, string> = { [LATEST_VERSION_KEY]: latest };
  const wanted =
    requested.length > 0
      ? requested
      : [...offered.keys()].sort().map((p) => ({ text: p, platform: p, os: p.split('/')[0], arch: p.split('/')[1] }) as PlatformRequest);
  for (const req of wanted) {
    const d = offered.get(req.platform);
    if (!d) {
      const list = [...offered.keys()].sort().join(', ');
      throw new UserError(`platform ${req.platform} is not offered by GitHub for ${where}; offered: ${list === '' ? 'none' : list}`);
    }
    // Checked before use: these go into Terraform's state and a VM's user data.
    const filename = checkFilename(server, d.filename);
    const downloadUrl = checkDownloadUrl(server, d.download_url, extraHosts);
    const apiVersion = versionOf(filename) ?? '';
    let fields: Record<string, string>;
    if (req.version !== undefined && req.version !== apiVersion) {
      if (apiVersion === '') throw new UserError(`cannot pin ${req.text}: GitHub's filename "${filename}" carries no version to replace`);
      fields = {
        [DownloadField.DOWNLOAD_URL]: checkDownloadUrl(server, downloadUrl.split(apiVersion).join(req.version), extraHosts),
        [DownloadField.FILENAME]: filename.split(apiVersion).join(req.version),
        [DownloadField.SHA256_CHECKSUM]: '',
        [DownloadField.TEMP_DOWNLOAD_TOKEN]: '',
        [DownloadField.VERSION]: req.version,
      };
    } else {
      fields = {
        [DownloadField.DOWNLOAD_URL]: downloadUrl,
        [DownloadField.FILENAME]: filename,
        [DownloadField.SHA256_CHECKSUM]: checkChecksum(server, d.sha256_checksum),
        [DownloadField.TEMP_DOWNLOAD_TOKEN]: checkDownloadToken(server, d.temp_download_token),
        [DownloadField.VERSION]: apiVersion,
      };
    }
    fields[DownloadField.OS] = d.os;
    fields[DownloadField.ARCHITECTURE] = d.architecture;
    for (const key of resultKeys(req)) {
      for (const [field, value] of Object.entries(fields)) result[downloadKey(key, field)] = value;
    }
  }
  return result;
}

/** The result keys one requested platform is answered under: as written, and in GitHub's names. */
function resultKeys(req: PlatformRequest): Set<string> {
  return new Set([req.text, req.version !== undefined ? `${req.platform}@${req.version}` : req.platform]);
}

export interface ChecksumPolicy {
  /** Platform entries, as written in `platforms`, that must end up with a checksum. */
  readonly required: string[];
  /** Platform entries whose missing checksum is computed on this machine. */
  readonly compute: string[];
}

/**
 * Fills in the checksums the server did not list (a GHES without `sha256_checksum`, or a pinned
 * version other than the current one): computed where the policy opts in, else the read fails
 * for entries that require one. Failing here fails the plan, long before a VM boots with an
 * install script that would refuse the archive.
 */
export async function completeChecksums(
  result: Record<string, string>,
  requested: PlatformRequest[],
  policy: ChecksumPolicy,
  where: string,
  o: ChecksumOptions,
): Promise<void> {
  const byText = new Map(requested.map((r) => [r.text, r]));
  for (const text of [...policy.required, ...policy.compute]) {
    if (!byText.has(text))
      throw new UserError(`checksum policy names platform "${text}", which is not in the query's platforms: re-synthesize the stack`);
  }
  for (const req of requested) {
    const shaKey = downloadKey(req.text, DownloadField.SHA256_CHECKSUM);
    if (result[shaKey] !== '') continue;
    const version = result[downloadKey(req.text, DownloadField.VERSION)];
    if (policy.compute.includes(req.text)) {
      const url = result[downloadKey(req.text, DownloadField.DOWNLOAD_URL)];
      const { sha256, cached } = await archiveChecksum(
        { url, version, bearer: result[downloadKey(req.text, DownloadField.TEMP_DOWNLOAD_TOKEN)] || undefined },
        o,
      );
      if (!cached) stderrLine(`computed the SHA-256 of ${req.platform} ${version} (not listed by GitHub for ${where}): ${sha256}`);
      for (const key of resultKeys(req)) result[downloadKey(key, DownloadField.SHA256_CHECKSUM)] = sha256;
    } else if (policy.required.includes(req.text)) {
      const why =
        req.version !== undefined && req.version !== result[LATEST_VERSION_KEY]
          ? `pinned version ${version} is not the current one`
          : 'this server lists none';
      throw new UserError(
        `GitHub lists no sha256_checksum for the ${req.platform} runner ${version} of ${where} (${why}), so a VM could not verify the archive: ` +
          "set sha256Checksum on its RunnerDownload to the archive's SHA-256, or set computeChecksum: true to hash the archive on this machine at plan time",
      );
    }
  }
}
