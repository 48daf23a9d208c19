import { Construct } from 'constructs';
import { DownloadField, downloadKey } from './contract';
import { DataExternal, Fn, Token } from './cdktf';
import { ConnectionProps, resolveConnection } from './connection-props';
import { ScopeProps, ScopeRef, scopeFromProps } from './runner-scope';
import { SharedScope } from './shared-scope';
import { checkedAt, normalizeArch, normalizeOs, validateDownload } from './validation';

/** Props of {@link RunnerDownload}. */
export interface RunnerDownloadProps extends ScopeProps, ConnectionProps {
  /** Operating system: linux, osx, win (or macos, darwin, windows). */
  readonly os: string;
  /** Architecture: x64, arm, arm64 (or amd64, x86_64, aarch64). */
  readonly architecture: string;
  /**
   * Runner version to pin, such as `2.329.0`. The install script passes `--disableupdate` only
   * when a version is pinned.
   * @default - the version GitHub offers now
   */
  readonly version?: string;
  /**
   * SHA-256 checksum of the archive. GitHub lists checksums for the current version only, so a
   * pinned older version needs it for the install script to verify the download.
   * @default - the checksum GitHub lists (none for a pinned version that is not the current one)
   */
  readonly sha256Checksum?: string;
  /**
   * Extra hosts (names such as `mirror.example.com`, no scheme or path) the download URL GitHub
   * answers may point at. The runtime refuses, at plan time, a `download_url` that is not https
   * on the API's own host, `github.com`, `objects.githubusercontent.com`,
   * `release-assets.githubusercontent.com` or one of these (plain http only to a literal loopback
   * API, the emulator). Every download of a scope in a stack shares one list.
   * @default - none: only the API's host and GitHub's release hosts
   */
  readonly allowedDownloadHosts?: string[];
  /**
   * Compute the archive's SHA-256 on the machine that runs Terraform when GitHub lists none (a
   * GitHub Enterprise Server whose downloads answer has no `sha256_checksum`, or a pinned version
   * other than the current one): the archive is downloaded once at plan time, hashed while it
   * streams and cached per URL and version in `$XDG_CACHE_HOME/cdktf-github-runners` (else
   * `~/.cache/cdktf-github-runners`); the VM's install script then enforces that checksum. Trust on
   * first use: see SECURITY.md. Without it (and without `sha256Checksum`), a download GitHub lists
   * no checksum for fails the plan.
   * @default false
   */
  readonly computeChecksum?: boolean;
}

/**
 * The runner application archive for one OS and architecture, from GitHub's downloads list.
 * Every download of a scope in a stack shares one data source: one API call per plan.
 */
export class RunnerDownload extends Construct {
  /** GitHub's OS name: linux, osx or win. */
  public readonly os: string;
  /** GitHub's architecture name: x64, arm or arm64. */
  public readonly architecture: string;
  /** The archive's URL. */
  public readonly downloadUrl: string;
  /** The archive's file name. */
  public readonly filename: string;
  /** The archive's SHA-256 checksum (lowercase hex), or empty when GitHub lists none. */
  public readonly sha256Checksum: string;
  /** The runner version of the archive. */
  public readonly version: string;
  /** The bearer token some GitHub Enterprise Server versions require for the download (sensitive; usually empty). */
  public readonly tempDownloadToken: string;
  /** Whether a version was pinned (the install script then passes `--disableupdate`). */
  public readonly pinned: boolean;
  /** The scope the download was listed for. @internal */
  public readonly _scope: ScopeRef;
  /** The shared data source. */
  public readonly dataSource: DataExternal;

  constructor(scope: Construct, id: string, props: RunnerDownloadProps) {
    super(scope, id);
    const hosts = (props.allowedDownloadHosts ?? []).map((h) => (Token.isUnresolved(h) ? h : h.toLowerCase()));
    this._scope = checkedAt(this, () => {
      validateDownload(props, hosts);
      return scopeFromProps(props, 'RunnerDownload');
    });
    const conn = resolveConnection(props);
    this.os = checkedAt(this, () => normalizeOs(props.os));
    this.architecture = checkedAt(this, () => normalizeArch(props.architecture));
    this.pinned = props.version !== undefined;
    const platform = `${this.os}/${this.architecture}${props.version !== undefined ? `@${props.version}` : ''}`;
    this.dataSource = SharedScope.of(this, conn, this._scope).downloads(platform, {
      // A checksum given here replaces GitHub's, so GitHub need not list one.
      required: props.sha256Checksum === undefined,
      compute: props.computeChecksum ?? false,
      allowedHosts: hosts,
    });
    const field = (f: string) => this.dataSource.result.lookup(downloadKey(platform, f));
    this.downloadUrl = field(DownloadField.DOWNLOAD_URL);
    this.filename = field(DownloadField.FILENAME);
    this.sha256Checksum = props.sha256Checksum ?? field(DownloadField.SHA256_CHECKSUM);
    this.version = field(DownloadField.VERSION);
    this.tempDownloadToken = Fn.sensitive(field(DownloadField.TEMP_DOWNLOAD_TOKEN));
  }
}
