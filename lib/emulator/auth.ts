import { looksLikeJwt } from './jwt';
import { ScopeKind } from './scope-routes';
import { CredentialKind, SeedToken } from './types';

export type Level = 'read' | 'write';

/** A credential the emulator knows; the token value is only ever the map key. */
export interface Credential {
  kind: 'classic' | 'fine-grained' | 'app';
  scopes: string[];
  permissions: Record<string, Level>;
  /** Rate-limit bucket: per token, or per installation for app tokens. */
  bucket: string;
  /** Who exhausted the limit, as GitHub's message names it. */
  subject: string;
  expiresAt?: number;
}

export type Presented =
  | { type: 'none' }
  | { type: 'jwt'; value: string }
  | { type: 'token'; value: string }
  | { type: 'runner'; value: string }
  | { type: 'malformed' };

/** Reads `Authorization: token X` / `Bearer X` (and the runner stubs' `RemoteAuth X`). */
export function presented(header: string | undefined): Presented {
  if (!header) return { type: 'none' };
  const m = /^\s*(token|bearer|remoteauth)\s+(\S+)\s*$/i.exec(header);
  if (!m) return { type: 'malformed' };
  if (m[1].toLowerCase() === 'remoteauth') return { type: 'runner', value: m[2] };
  return looksLikeJwt(m[2]) ? { type: 'jwt', value: m[2] } : { type: 'token', value: m[2] };
}

export class Credentials {
  private readonly tokens = new Map<string, Credential>();
  private nextUser = 1;

  addSeedToken(t: SeedToken): void {
    const n = this.nextUser++;
    this.tokens.set(t.token, {
      kind: t.kind,
      scopes: t.kind === 'classic' ? [...(t.scopes ?? [])] : [],
      permissions: t.kind === 'fine-grained' ? { ...(t.permissions ?? {}) } : {},
      bucket: `user:${n}`,
      subject: `user ID ${n}`,
    });
  }

  addInstallationToken(token: string, installationId: string, permissions: Record<string, Level>, expiresAt: number): void {
    this.tokens.set(token, {
      kind: 'app',
      scopes: [],
      permissions: { ...permissions },
      bucket: `installation:${installationId}`,
      subject: `installation ID ${installationId}`,
      expiresAt,
    });
  }

  /** The credential for a token value, or undefined when unknown or expired. */
  lookup(value: string, now: number): Credential | undefined {
    const c = this.tokens.get(value);
    if (!c) return undefined;
    if (c.expiresAt !== undefined && c.expiresAt <= now) return undefined;
    return c;
  }

  /** For the request log: what kind of credential was presented, never its value. */
  kindOf(header: string | undefined): CredentialKind {
    const p = presented(header);
    switch (p.type) {
      case 'none':
        return 'none';
      case 'jwt':
        return 'jwt';
      case 'runner':
        return 'runner';
      case 'malformed':
        return 'unknown';
      case 'token':
        return this.tokens.get(p.value)?.kind ?? 'unknown';
    }
  }
}

export interface Requirement {
  /** Classic PAT scopes, any of which suffices (also the `X-Accepted-OAuth-Scopes` value). */
  oauthScopes: string[];
  /** Fine-grained PAT / installation permission; absent where GitHub refuses them (enterprise). */
  permission?: { name: string; level: Level };
}

/** `publicRepo`: a public repository of a legacy GHES, where `public_repo` is enough. */
export function requirementFor(kind: ScopeKind, method: string, publicRepo = false): Requirement {
  const level: Level = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  switch (kind) {
    case 'repo':
      return { oauthScopes: publicRepo ? ['repo', 'public_repo'] : ['repo'], permission: { name: 'administration', level } };
    case 'org':
      return { oauthScopes: ['admin:org'], permission: { name: 'organization_self_hosted_runners', level } };
    case 'enterprise':
      return { oauthScopes: ['manage_runners:enterprise', 'admin:enterprise'] };
  }
}

export interface Denial {
  message: string;
  acceptedPermissions?: string;
}

/** Why a credential may not use a route of this scope kind, or undefined when it may. */
export function authorize(c: Credential, kind: ScopeKind, req: Requirement): Denial | undefined {
  if (c.kind === 'classic') {
    if (req.oauthScopes.some((s) => c.scopes.includes(s))) return undefined;
    return { message: classicDenial(kind) };
  }
  const message = c.kind === 'app' ? 'Resource not accessible by integration' : 'Resource not accessible by personal access token';
  // Enterprise runner endpoints accept only classic PATs: GitHub refuses apps and fine-grained PATs.
  if (!req.permission) return { message };
  const have = c.permissions[req.permission.name];
  if (have === 'write' || (have === 'read' && req.permission.level === 'read')) return undefined;
  return { message, acceptedPermissions: `${req.permission.name}=${req.permission.level}` };
}

function classicDenial(kind: ScopeKind): string {
  switch (kind) {
    case 'repo':
      return 'Must have admin rights to Repository.';
    case 'org':
      return 'You must be an org admin or have the admin:org scope to use this endpoint.';
    case 'enterprise':
      return 'You must have the manage_runners:enterprise or admin:enterprise scope to use this endpoint.';
  }
}
