import { createHash } from 'crypto';

/**
 * The contract between the synthesized Terraform and the runtime program.
 *
 * Every key below ends up in users' Terraform state (the `external` data source stores its
 * `query` and `result`) and in provisioner command lines, so this file is a stable, versioned
 * interface: add keys, never rename or repurpose one. The constructs (synthesis) and the runtime
 * (plan/apply time) both import it, and nothing else defines these names.
 *
 * All values are strings, as the `external` data source requires. Lists are comma-separated;
 * structured values are JSON strings.
 */

/** Bumped only for an incompatible change; the runtime refuses a query from a newer contract. */
export const CONTRACT_VERSION = '1';

/** The operations the `external` data source can ask for (query key `operation`). */
export const DataOperation = {
  /** Mint a registration token. Result: `token`, `expires_at`, `runner_url`. */
  REGISTRATION_TOKEN: 'registration-token',
  /** Mint a remove token. Result: `token`, `expires_at`, `runner_url`. */
  REMOVE_TOKEN: 'remove-token',
  /** The runner application downloads of the scope. Result: see {@link downloadKey}. */
  DOWNLOADS: 'downloads',
  /** The runners of the scope, filtered. Result: `count`, `ids`, `names`, `runners_json`. */
  RUNNERS: 'runners',
  /**
   * JIT configurations for the runners named in `runner:<key>` query entries, each minted only
   * if a runner of that name does not exist yet. Result: see {@link jitKey}.
   */
  JIT_CONFIGS: 'jit-configs',
} as const;

/** Query keys shared by every operation. */
export const QueryKey = {
  OPERATION: 'operation',
  CONTRACT_VERSION: 'contract_version',
  /** REST API base URL; default `https://api.github.com`. */
  API_URL: 'api_url',
  /** Name of the environment variable that holds the token; empty = GITHUB_TOKEN, then GH_TOKEN. */
  CREDENTIAL_ENV: 'credential_env',
  /** Exactly one scope: `enterprise`, or `org`, or `owner` + `repository`. */
  ENTERPRISE: 'enterprise',
  ORG: 'org',
  OWNER: 'owner',
  REPOSITORY: 'repository',
  /**
   * Ignored by the runtime. It holds a resource id so that Terraform defers the read to apply
   * time whenever that resource is being created: the constructs give the id of the scope's epoch
   * (see lib/shared-scope.ts), replaced whenever a registration-token runner is added, removed or
   * redefined, which is what makes a token fresh when a runner is created.
   */
  GENERATIONS: 'generations',
  /** downloads: requested platforms, comma-separated `os/arch` or `os/arch@version`. */
  PLATFORMS: 'platforms',
  /**
   * downloads: platform entries (as written in `platforms`) that must come back with a checksum;
   * a server that lists none fails the read, naming the two ways out (pin it, or compute it).
   */
  CHECKSUM_REQUIRED: 'checksum_required',
  /**
   * downloads: platform entries whose missing checksum the runtime computes by hashing the
   * archive once on this machine (cached per URL and version in the user's cache folder).
   */
  CHECKSUM_COMPUTE: 'checksum_compute',
  /** runners: exact runner name filter. */
  NAME: 'name',
  /** runners: labels that every listed runner must carry, comma-separated. */
  LABELS: 'labels',
  /** jit-configs: one entry per runner, `runner:<key>` = JSON of {@link JitRunnerSpec}. */
  RUNNER_PREFIX: 'runner:',
  /**
   * registration-token: JSON list of the runner names that were Terraform references at synth
   * (literal names are checked at synth); the runtime refuses the read when one is not a valid
   * runner name. Empty or absent: nothing to check.
   */
  RUNNER_NAMES: 'runner_names',
  /**
   * downloads: comma-separated extra hosts `download_url` may point at (`RunnerDownload`'s
   * `allowedDownloadHosts`), besides the API's own host and GitHub's release hosts.
   */
  DOWNLOAD_HOSTS: 'download_hosts',
} as const;

/** Result keys of the token operations. */
export const TokenResult = {
  TOKEN: 'token',
  EXPIRES_AT: 'expires_at',
  /** The URL `config.sh --url` takes for this scope (derived from the API URL). */
  RUNNER_URL: 'runner_url',
} as const;

/** Result keys of the runners operation. */
export const RunnersResult = {
  COUNT: 'count',
  IDS: 'ids',
  NAMES: 'names',
  /** JSON array of `{id, name, os, status, busy, labels: string[]}`. */
  RUNNERS_JSON: 'runners_json',
} as const;

/** Per-platform result fields of the downloads operation. */
export const DownloadField = {
  DOWNLOAD_URL: 'download_url',
  FILENAME: 'filename',
  SHA256_CHECKSUM: 'sha256_checksum',
  TEMP_DOWNLOAD_TOKEN: 'temp_download_token',
  VERSION: 'version',
  OS: 'os',
  ARCHITECTURE: 'architecture',
} as const;

/** downloads result: the API's current runner version. */
export const LATEST_VERSION_KEY = 'latest_version';

/** downloads result key for one requested platform (`linux/x64` or `linux/x64@2.321.0`). */
export function downloadKey(platform: string, field: string): string {
  return `${platform}:${field}`;
}

/** Per-runner result fields of the jit-configs operation. */
export const JitField = {
  JIT_CONFIG: 'jit_config',
  RUNNER_ID: 'runner_id',
  RUNNER_NAME: 'runner_name',
  /** `minted` when minted by this read; `existing` when the runner already existed (no config). */
  STATUS: 'status',
} as const;

/** jit-configs result key for one runner. */
export function jitKey(key: string, field: string): string {
  return `${key}:${field}`;
}

/** One runner in a jit-configs query (`runner:<key>` = JSON of this). */
export interface JitRunnerSpec {
  /** Base name; the runtime appends the generation suffix (see {@link generationName}). */
  readonly name: string;
  /** Id of the runner's identity resource; changes when the runner is replaced. */
  readonly generation: string;
  readonly labels: string[];
  /** Runner group name (organization and enterprise scope); empty for the default group. */
  readonly runner_group?: string;
  readonly work_folder?: string;
}

/**
 * The GitHub runner name of a JIT runner: its base name plus a suffix derived from the identity
 * resource's id, so a replacement never collides with the runner it replaces (409 on JIT).
 * Deterministic, so the destroy provisioner computes the same name from `self.id`.
 */
export function generationName(name: string, generation: string): string {
  // FNV-1a 32-bit: tiny, dependency-free and stable across node versions.
  let h = 0x811c9dc5;
  for (let i = 0; i < generation.length; i++) {
    h ^= generation.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${name}-${h.toString(16).padStart(8, '0')}`;
}

/** Subcommands that `local-exec` provisioners run (arguments are flags, never secrets). */
export const ProvisionerCommand = {
  /**
   * `delete-runner <scope flags> (--id ID [--name N] | --name N (--identity I | --generation G)) [--busy-timeout S] [--optional]`:
   * by the id captured at mint (JIT), else by name, deleting a registration-token runner only
   * when it carries the marker of identity resource `I` (see {@link ownerMarker}).
   */
  DELETE_RUNNER: 'delete-runner',
  /** `wait-online <scope flags> --name N [--generation G] [--timeout S]` */
  WAIT_ONLINE: 'wait-online',
  /**
   * `check-name <scope flags> --name N --identity I`: fails when a runner of that name exists
   * without the marker of identity resource `I`, so a new registration (`config.sh --replace`) never
   * takes over a runner this stack did not register.
   */
  CHECK_NAME: 'check-name',
} as const;

/** Prefix of the ownership marker label (see {@link ownerMarker}). */
export const OWNER_MARKER_PREFIX = 'cgr-';
/** Hex digits of SHA-256 the marker keeps. */
export const OWNER_MARKER_DIGITS = 12;

/**
 * The label a registration-token runner registers with to say which identity resource (and so
 * which stack) it belongs to: `cgr-` + the first 12 hex digits of SHA-256 of the identity's id.
 * The constructs compute the same in Terraform (`substr(sha256(id), 0, 12)`), the runtime here.
 */
export function ownerMarker(identityId: string): string {
  return `${OWNER_MARKER_PREFIX}${createHash('sha256').update(identityId, 'utf8').digest('hex').slice(0, OWNER_MARKER_DIGITS)}`;
}

/** Environment variables the runtime reads. The credential never travels any other way. */
export const RuntimeEnv = {
  GITHUB_TOKEN: 'GITHUB_TOKEN',
  GH_TOKEN: 'GH_TOKEN',
  APP_ID: 'GITHUB_APP_ID',
  APP_INSTALLATION_ID: 'GITHUB_APP_INSTALLATION_ID',
  APP_PRIVATE_KEY: 'GITHUB_APP_PRIVATE_KEY',
  APP_PRIVATE_KEY_PATH: 'GITHUB_APP_PRIVATE_KEY_PATH',
  /** `1` prints one line per request (method, path, status, timing) to stderr. */
  DEBUG: 'CDKTF_GITHUB_RUNNERS_DEBUG',
  /** Upper bound, in seconds, on waiting out rate limits and retrying 5xx (default 300). */
  RETRY_BUDGET: 'CDKTF_GITHUB_RUNNERS_RETRY_BUDGET',
  /** Per-request timeout in seconds (default 30). */
  REQUEST_TIMEOUT: 'CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT',
} as const;

/** GitHub's names for runner platforms. */
export const RUNNER_OS = ['linux', 'osx', 'win'] as const;
export const RUNNER_ARCH = ['x64', 'arm', 'arm64'] as const;
