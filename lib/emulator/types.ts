/**
 * The public types of the offline GitHub runner API emulator. `index.ts` re-exports them; the
 * names are a contract for every test, example and demo of the library.
 */

export interface SeedToken {
  readonly token: string;
  readonly kind: 'classic' | 'fine-grained';
  /** Classic PAT scopes, e.g. `repo`, `admin:org`, `manage_runners:enterprise`. */
  readonly scopes?: string[];
  /** Fine-grained PAT permissions, e.g. `{ administration: 'write' }`. */
  readonly permissions?: Record<string, 'read' | 'write'>;
}

export interface SeedApp {
  readonly appId: string;
  readonly installationId: string;
  /** PEM (SPKI or PKCS#1) public key that verifies the app's RS256 JWTs. */
  readonly publicKeyPem: string;
  /** Permissions granted to the installation; installation tokens carry them. */
  readonly permissions: Record<string, 'read' | 'write'>;
}

export interface EmulatorSeed {
  enterprises?: string[];
  orgs?: string[];
  /** `owner/name`. */
  repos?: string[];
  tokens?: SeedToken[];
  apps?: SeedApp[];
  /** Current runner version offered by `/downloads` (default `2.329.0`). */
  runnerVersion?: string;
  /** Offered platforms as `os/arch` (default: linux x64/arm/arm64, osx x64/arm64, win x64/arm64). */
  platforms?: string[];
  /** Extra runner groups; `scope` is a scope ref (`org:NAME` or `enterprise:SLUG`). */
  runnerGroups?: { scope: string; name: string; id?: number }[];
  /** GHES behaviour: downloads carry `temp_download_token`, and archives demand it as a Bearer. */
  tempDownloadTokens?: boolean;
  /** Primary rate limit per credential and hour (default 5000; 0 disables the limit). */
  rateLimit?: number;
  /**
   * GitHub's secondary limits per credential, off when absent; `{}` takes GitHub's documented
   * values (100 concurrent requests, 80 content-generating requests a minute and 500 an hour,
   * `retry-after: 60`), any field overrides one.
   */
  secondaryLimits?: {
    maxConcurrent?: number;
    contentPerMinute?: number;
    contentPerHour?: number;
    retryAfterSeconds?: number;
  };
  /**
   * Public repositories (`owner/name`, also created like `repos`): with `ghesLegacy`, a classic
   * token with only `public_repo` may use their runner endpoints, as the GHES reference says.
   */
  publicRepos?: string[];
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: EmulatorSeed;
  /** Added before every API, download and runner-stub answer. */
  latencyMs?: number;
  /**
   * Answer any enterprise, organization or repository name, creating it on first use (an
   * enterprise given by a numeric id must exist). `false`: only seeded or added scopes exist and
   * others answer 404, as GitHub answers for a name that does not exist.
   * @default true
   */
  createScopes?: boolean;
  /**
   * Behave like the GitHub Enterprise Server of the REST reference pages this project was built
   * from: `/downloads` entries carry no `sha256_checksum`, the runner list ignores `name`
   * (`per_page` and `page` only), runners carry `id`, `name`, `os`, `status`, `busy` and `labels`
   * only, and repository endpoints of `publicRepos` accept a classic token with `public_repo`.
   * See docs/contract.md.
   * @default false
   */
  ghesLegacy?: boolean;
  /**
   * Whether the runner list applies its `name` query parameter, as api.github.com does.
   * @default true (false with `ghesLegacy`)
   */
  nameFilter?: boolean;
}

export interface Fault {
  /** Matches any method when absent. */
  method?: string;
  /** Regular expression source matched against the request path (query excluded). */
  path?: string;
  /** Answer with this status (default 500 when `body` is set without a status). */
  status?: number;
  /** Raw answer body (may be malformed JSON on purpose). */
  body?: string;
  /** Extra answer headers; with neither status nor body they decorate the normal answer. */
  headers?: Record<string, string>;
  /** How many requests the fault applies to: default 1, 0 = forever. */
  times?: number;
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Sets `x-ratelimit-reset` to the emulator clock plus this many seconds at answer time. */
  rateLimitResetInSeconds?: number;
}

export type CredentialKind = 'classic' | 'fine-grained' | 'app' | 'jwt' | 'none' | 'unknown' | 'runner';

export interface RequestLogEntry {
  method: string;
  /** Path as requested, without the query string. */
  path: string;
  /** Query string without `?`; values of token-like parameters are redacted. */
  query: string;
  /** 0 while the answer is still being sent, or when the connection was reset by a fault. */
  status: number;
  /** `runner` marks the runner stubs' own calls (registration/remove token or runner secret). */
  credential: CredentialKind;
  /** Emulator clock, epoch ms. */
  at: number;
}

export interface RunnerLabel {
  id: number;
  name: string;
  type: 'read-only' | 'custom';
}

export interface EmulatedRunner {
  id: number;
  name: string;
  /** GitHub's runner `os`: `linux`, `macos`, `windows`, or `unknown` for a JIT runner never started. */
  os: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: RunnerLabel[];
  /** Scope ref: `enterprise:SLUG`, `org:NAME` or `repo:OWNER/NAME`. */
  scope: string;
  ephemeral: boolean;
  jit: boolean;
  runnerGroupId: number;
  /** Runner software version, set once the runner connected (`run.sh`). */
  version: string | null;
}

export interface CreateRunnerRequest {
  name: string;
  /** Custom labels; the default read-only labels (self-hosted, OS, arch) are always added. */
  labels?: string[];
  status?: 'online' | 'offline';
  busy?: boolean;
  /** `linux` (default), `macos`/`osx`, `windows`/`win`. */
  os?: string;
  /** `x64` (default), `arm`, `arm64`. */
  arch?: string;
  ephemeral?: boolean;
  runnerGroupId?: number;
}

export type IssuedTokenKind = 'registration' | 'remove' | 'jit' | 'installation';

export interface IssuedToken {
  kind: IssuedTokenKind;
  /** Scope ref, or `app:INSTALLATION_ID` for installation tokens. */
  scope: string;
  /** Emulator clock, epoch ms. */
  at: number;
}

export interface EmulatorClock {
  /** Emulator time, epoch ms (wall clock plus every advance). */
  now(): number;
  advance(seconds: number): void;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`; the same API also answers under `/api/v3`. */
  readonly url: string;
  /** Bearer token the `/_emulator/` HTTP controls require (`Authorization: Bearer ...`); new at every start. */
  readonly adminToken: string;
  close(): Promise<void>;
  readonly clock: EmulatorClock;
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  addFault(f: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  addToken(t: SeedToken): void;
  /** Adds an enterprise, org or repo after start (`org:NAME`, ...). */
  addScope(scope: string): void;
  /** The numeric id of an enterprise (by slug): `/enterprises/{id}/...` answers like `/enterprises/{slug}/...`. */
  enterpriseId(slug: string): number;
  runners(scope: string): EmulatedRunner[];
  /** Fast, for seeding thousands of runners; throws on a duplicate name or unknown scope. */
  createRunner(scope: string, r: CreateRunnerRequest): EmulatedRunner;
  setRunnerState(id: number, s: { status?: 'online' | 'offline'; busy?: boolean }): void;
  tamperDownloads(on: boolean): void;
  /** Every minted registration/remove/JIT/installation token, without its value. */
  readonly tokensIssued: IssuedToken[];
  /** Requests refused by each secondary limit, and the peak concurrency of one credential. */
  secondaryLimitStats(): SecondaryLimitStats;
}

export interface SecondaryLimitStats {
  readonly hits: { readonly concurrent: number; readonly 'content-per-minute': number; readonly 'content-per-hour': number };
  readonly peakConcurrent: number;
}
