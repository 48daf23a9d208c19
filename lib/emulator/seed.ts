import * as crypto from 'crypto';
import * as fs from 'fs';
import { DOWNLOAD_OS, isArch } from './labels-model';
import { resolveSecondaryLimits, SecondaryLimitSettings } from './secondary-limits';
import { makeScope, parseScopeRef, EmulatedScope } from './scope-routes';
import { EmulatorSeed, SeedApp, SeedToken } from './types';

export const DEFAULT_RUNNER_VERSION = '2.329.0';
export const DEFAULT_PLATFORMS = ['linux/x64', 'linux/arm', 'linux/arm64', 'osx/x64', 'osx/arm64', 'win/x64', 'win/arm64'];
export const DEFAULT_RATE_LIMIT = 5000;
/** The names GitHub's own documentation examples use. */
export const DEFAULT_ENTERPRISES = ['octo-enterprise'];
export const DEFAULT_ORGS = ['octo-org'];
export const DEFAULT_REPOS = ['octo-org/octo-repo'];

export const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;

export interface ResolvedSeed {
  scopes: EmulatedScope[];
  tokens: SeedToken[];
  apps: SeedApp[];
  runnerVersion: string;
  platforms: { os: string; arch: string }[];
  runnerGroups: { scope: EmulatedScope; name: string; id?: number }[];
  tempDownloadTokens: boolean;
  rateLimit: number;
  secondaryLimits?: SecondaryLimitSettings;
  /** Keys (`repo:owner/name`, lower case) of the public repositories. */
  publicRepos: Set<string>;
}

/** Fills defaults and checks every field, failing with one line that names the bad value. */
export function resolveSeed(seed: EmulatorSeed = {}): ResolvedSeed {
  const scopes = [
    ...(seed.enterprises ?? DEFAULT_ENTERPRISES).map((n) => makeScope('enterprise', n)),
    ...(seed.orgs ?? DEFAULT_ORGS).map((n) => makeScope('org', n)),
    ...(seed.repos ?? DEFAULT_REPOS).map((n) => makeScope('repo', n)),
    ...(seed.publicRepos ?? []).map((n) => makeScope('repo', n)),
  ];
  const runnerVersion = seed.runnerVersion ?? DEFAULT_RUNNER_VERSION;
  if (!VERSION_PATTERN.test(runnerVersion)) throw new Error(`Seed runnerVersion '${runnerVersion}' is not a version like 2.329.0`);
  const platforms = (seed.platforms ?? DEFAULT_PLATFORMS).map(parsePlatform);
  const rateLimit = seed.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (!Number.isInteger(rateLimit) || rateLimit < 1)
    throw new Error(`Seed rateLimit ${rateLimit} must be a positive integer (requests per hour)`);
  (seed.tokens ?? []).forEach(checkToken);
  (seed.apps ?? []).forEach(checkApp);
  const runnerGroups = (seed.runnerGroups ?? []).map((g) => {
    if (!g || typeof g.name !== 'string' || g.name.length === 0) throw new Error('Seed runnerGroups entries need a non-empty name');
    if (g.id !== undefined && (!Number.isInteger(g.id) || g.id < 2))
      throw new Error(`Seed runner group '${g.name}' id ${g.id} must be an integer >= 2 (1 is Default)`);
    return { scope: parseScopeRef(g.scope), name: g.name, id: g.id };
  });
  return {
    scopes,
    tokens: seed.tokens ?? [],
    apps: seed.apps ?? [],
    runnerVersion,
    platforms,
    runnerGroups,
    tempDownloadTokens: seed.tempDownloadTokens ?? false,
    rateLimit,
    secondaryLimits: resolveSecondaryLimits(seed.secondaryLimits),
    publicRepos: new Set((seed.publicRepos ?? []).map((n) => makeScope('repo', n).key)),
  };
}

export function parsePlatform(p: string): { os: string; arch: string } {
  const [os, arch, extra] = String(p).split('/');
  if (extra !== undefined || !(DOWNLOAD_OS as readonly string[]).includes(os) || !isArch(arch ?? '')) {
    throw new Error(`Platform '${p}' is not os/arch with os in ${DOWNLOAD_OS.join(', ')} and arch in x64, arm, arm64`);
  }
  return { os, arch };
}

export function checkToken(t: SeedToken): void {
  if (!t || typeof t.token !== 'string' || t.token.length < 8 || /\s/.test(t.token)) {
    throw new Error('Seed token values must be strings of at least 8 characters without spaces');
  }
  if (t.kind !== 'classic' && t.kind !== 'fine-grained')
    throw new Error(`Seed token kind '${String(t.kind)}' must be 'classic' or 'fine-grained'`);
  checkPermissions(t.permissions, 'token');
}

function checkApp(a: SeedApp): void {
  if (!a || !/^\d+$/.test(String(a.appId)) || !/^\d+$/.test(String(a.installationId))) {
    throw new Error('Seed apps need numeric appId and installationId strings');
  }
  try {
    crypto.createPublicKey(a.publicKeyPem);
  } catch {
    throw new Error(`Seed app ${a.appId}: publicKeyPem is not a PEM public key (export it with 'openssl rsa -pubout')`);
  }
  checkPermissions(a.permissions, `app ${a.appId}`);
}

function checkPermissions(p: Record<string, string> | undefined, what: string): void {
  for (const [k, v] of Object.entries(p ?? {})) {
    if (v !== 'read' && v !== 'write') throw new Error(`Seed ${what} permission ${k}='${v}' must be 'read' or 'write'`);
  }
}

/** Reads a seed JSON file (the CLI's `--seed`). */
export function loadSeedFile(file: string): EmulatorSeed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read seed file ${file}: ${(e as Error).message}`);
  }
  let seed: unknown;
  try {
    seed = JSON.parse(text);
  } catch (e) {
    throw new Error(`Seed file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!seed || typeof seed !== 'object' || Array.isArray(seed)) throw new Error(`Seed file ${file} must hold a JSON object`);
  resolveSeed(seed as EmulatorSeed);
  return seed as EmulatorSeed;
}
