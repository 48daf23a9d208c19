import { Credentials } from './auth';
import { Clock } from './clock';
import { DownloadStore } from './download-store';
import { FaultSet } from './faults';
import { AnswerContext } from './request-context';
import { hexSecret, runnerToken } from './ids';
import { isArch, runnerOs } from './labels-model';
import { RateLimiter } from './ratelimit';
import { SecondaryLimiter } from './secondary-limits';
import { parseScopeRef } from './scope-routes';
import { checkToken, ResolvedSeed } from './seed';
import { DEFAULT_GROUP_ID, emulatedRunner, RunnerRecord, ScopeState, Store } from './state';
import { CreateRunnerRequest, EmulatedRunner, IssuedToken, IssuedTokenKind, RequestLogEntry, SeedApp, SeedToken } from './types';

/** Registration and remove tokens live one hour, like GitHub's. */
export const RUNNER_TOKEN_TTL_MS = 3600 * 1000;
/** Keeps a long-running CLI emulator from growing without bound. */
const MAX_LOG_ENTRIES = 200_000;

export interface RunnerTokenRecord {
  kind: 'registration' | 'remove';
  scope: ScopeState;
  expiresAt: number;
}

/** Everything the emulator knows, shared by the HTTP handlers and the in-process API. */
export class EmulatorCore implements AnswerContext {
  readonly clock = new Clock();
  readonly limiter = new RateLimiter(this.clock);
  readonly store = new Store();
  readonly creds = new Credentials();
  readonly faults = new FaultSet();
  readonly downloads: DownloadStore;
  readonly apps: SeedApp[];
  readonly runnerVersion: string;
  readonly platforms: { os: string; arch: string }[];
  readonly rateLimit: number;
  /** Absent unless the seed asks for GitHub's secondary limits. */
  readonly secondary?: SecondaryLimiter;
  readonly tokensIssued: IssuedToken[] = [];
  readonly requests: RequestLogEntry[] = [];
  latencyMs = 0;
  /** Unknown enterprise, organization and repository names are created on first use. */
  createScopes = true;
  /** The GHES of the REST reference pages: no checksums in /downloads, list ignores `name`, `public_repo`. */
  ghesLegacy = false;
  /** Whether the runner list applies `name`. */
  nameFilter = true;
  readonly publicRepos: Set<string>;
  hostPort = '127.0.0.1';
  /** Bearer token the `/_emulator/` HTTP controls require; new at every start. */
  readonly adminToken = hexSecret(24);
  private readonly runnerTokens = new Map<string, RunnerTokenRecord>();

  constructor(seed: ResolvedSeed) {
    this.downloads = new DownloadStore(this.clock, seed.tempDownloadTokens);
    this.apps = seed.apps.map((a) => ({ ...a, appId: String(a.appId), installationId: String(a.installationId) }));
    this.runnerVersion = seed.runnerVersion;
    this.platforms = seed.platforms;
    this.rateLimit = seed.rateLimit;
    if (seed.secondaryLimits) this.secondary = new SecondaryLimiter(this.clock, seed.secondaryLimits);
    this.publicRepos = seed.publicRepos;
    for (const s of seed.scopes) this.store.addScope(s);
    for (const g of seed.runnerGroups) {
      const scope = this.store.scope(g.scope.key);
      if (!scope) throw new Error(`Seed runner group '${g.name}' names ${g.scope.ref}, which the seed does not define`);
      this.store.addGroup(scope, g.name, g.id);
    }
    for (const t of seed.tokens) this.creds.addSeedToken(t);
  }

  issueRunnerToken(kind: 'registration' | 'remove', scope: ScopeState): { token: string; expiresAt: number } {
    const now = this.clock.now();
    for (const [t, r] of this.runnerTokens) if (r.expiresAt <= now) this.runnerTokens.delete(t);
    const token = runnerToken();
    const expiresAt = now + RUNNER_TOKEN_TTL_MS;
    this.runnerTokens.set(token, { kind, scope, expiresAt });
    this.recordIssued(kind, scope.ref.ref);
    return { token, expiresAt };
  }

  /** The record of a valid, unexpired token of this kind; registration tokens may be reused within the hour. */
  runnerTokenRecord(token: string, kind: 'registration' | 'remove'): RunnerTokenRecord | undefined {
    const r = this.runnerTokens.get(token);
    if (!r || r.kind !== kind || r.expiresAt <= this.clock.now()) return undefined;
    return r;
  }

  recordIssued(kind: IssuedTokenKind, scope: string): void {
    this.tokensIssued.push({ kind, scope, at: this.clock.now() });
  }

  log(entry: RequestLogEntry): void {
    if (this.requests.length >= MAX_LOG_ENTRIES) this.requests.splice(0, MAX_LOG_ENTRIES / 10);
    this.requests.push(entry);
  }

  /** The scope a ref names; throws a one-line error for an unknown or malformed ref. */
  scope(ref: string): ScopeState {
    const parsed = parseScopeRef(ref);
    const s = this.store.scope(parsed.key);
    if (!s) throw new Error(`Unknown scope '${ref}': seed it (enterprises/orgs/repos) or call addScope first`);
    return s;
  }

  runner(id: number): RunnerRecord {
    const r = this.store.runnersById.get(id);
    if (!r) throw new Error(`No runner with id ${id}`);
    return r;
  }

  addToken(t: SeedToken): void {
    checkToken(t);
    this.creds.addSeedToken(t);
  }

  addScope(ref: string): void {
    this.store.addScope(parseScopeRef(ref));
  }

  enterpriseId(slug: string): number {
    const s = this.scope(`enterprise:${slug}`);
    return s.enterpriseId!;
  }

  runners(ref: string): EmulatedRunner[] {
    return this.scope(ref).list().map(emulatedRunner);
  }

  createRunner(ref: string, req: CreateRunnerRequest): EmulatedRunner {
    const scope = this.scope(ref);
    if (!req || typeof req.name !== 'string' || req.name.length === 0) throw new Error('createRunner needs a non-empty name');
    const os = runnerOs(req.os ?? 'linux');
    if (!os) throw new Error(`createRunner: unknown os '${req.os}'; use linux, macos or windows`);
    const arch = req.arch ?? 'x64';
    if (!isArch(arch)) throw new Error(`createRunner: unknown arch '${arch}'; use x64, arm or arm64`);
    const groupId = req.runnerGroupId ?? DEFAULT_GROUP_ID;
    if (!scope.group(groupId)) throw new Error(`createRunner: runner group ${groupId} does not exist in ${scope.ref.ref}`);
    const r = this.store.createRunner(scope, {
      name: req.name,
      os,
      arch,
      customLabels: req.labels ?? [],
      defaultLabels: true,
      status: req.status ?? 'offline',
      busy: req.busy ?? false,
      ephemeral: req.ephemeral ?? false,
      jit: false,
      groupId,
      workFolder: '_work',
      version: (req.status ?? 'offline') === 'online' ? this.runnerVersion : null,
    });
    return emulatedRunner(r);
  }

  setRunnerState(id: number, s: { status?: 'online' | 'offline'; busy?: boolean }): void {
    const r = this.runner(id);
    if (s.status !== undefined) {
      if (s.status !== 'online' && s.status !== 'offline')
        throw new Error(`Runner status '${String(s.status)}' must be 'online' or 'offline'`);
      r.status = s.status;
      if (s.status === 'online' && r.version === null) r.version = this.runnerVersion;
    }
    if (s.busy !== undefined) r.busy = Boolean(s.busy);
  }
}
