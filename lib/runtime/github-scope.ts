import { ApiConnection } from './api-connection';
import { UsageError, UserError } from './errors';

export type ScopeKind = 'enterprise' | 'org' | 'repo';

/** Where runners live. Everything scope-specific is derived from this one value. */
export interface Scope {
  readonly kind: ScopeKind;
  /** enterprise slug, organization login, or repository owner */
  readonly owner: string;
  /** repository name (repo scope only) */
  readonly repo?: string;
}

export interface ScopeInput {
  readonly enterprise?: string;
  readonly org?: string;
  readonly owner?: string;
  readonly repository?: string;
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Exactly one scope: enterprise, org, or owner+repository. `where` names the inputs in messages
 * (`query keys enterprise, org, owner + repository` vs `--enterprise, --org, --repo`).
 */
export function scopeFrom(input: ScopeInput, where: 'query' | 'flags'): Scope {
  const set = (v?: string) => v !== undefined && v.trim() !== '';
  const names =
    where === 'query' ? { e: 'enterprise', o: 'org', r: 'owner + repository' } : { e: '--enterprise', o: '--org', r: '--repo OWNER/REPO' };
  const Err = where === 'query' ? UserError : UsageError;
  const given = [set(input.enterprise), set(input.org), set(input.owner) || set(input.repository)].filter((x) => x).length;
  if (given === 0) throw new Err(`no scope: give exactly one of ${names.e}, ${names.o}, ${names.r}`);
  if (given > 1) throw new Err(`two scopes given: give exactly one of ${names.e}, ${names.o}, ${names.r}`);
  let scope: Scope;
  if (set(input.enterprise)) scope = { kind: 'enterprise', owner: input.enterprise!.trim() };
  else if (set(input.org)) scope = { kind: 'org', owner: input.org!.trim() };
  else {
    if (!set(input.owner) || !set(input.repository)) {
      throw new Err(
        where === 'query'
          ? 'repository scope needs both owner and repository'
          : 'repository scope needs --repo OWNER/REPO (or --owner and --repository)',
      );
    }
    scope = { kind: 'repo', owner: input.owner!.trim(), repo: input.repository!.trim() };
  }
  for (const part of [scope.owner, scope.repo]) {
    if (part !== undefined && !SLUG.test(part)) throw new Err(`"${part}" is not a valid ${scopeNoun(scope.kind)} name`);
  }
  return scope;
}

/** `--repo OWNER/REPO` to owner + repository. */
export function splitRepo(value: string | undefined): { owner?: string; repository?: string } {
  if (value === undefined || value === '') return {};
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--repo must be OWNER/REPO, got "${value}"`);
  return { owner: m[1], repository: m[2] };
}

/** Route prefix with placeholders for octokit.request. */
export function scopePrefix(scope: Scope): string {
  switch (scope.kind) {
    case 'enterprise':
      return '/enterprises/{enterprise}';
    case 'org':
      return '/orgs/{org}';
    case 'repo':
      return '/repos/{owner}/{repo}';
  }
}

export function scopeParams(scope: Scope): Record<string, string> {
  switch (scope.kind) {
    case 'enterprise':
      return { enterprise: scope.owner };
    case 'org':
      return { org: scope.owner };
    case 'repo':
      return { owner: scope.owner, repo: scope.repo as string };
  }
}

export function scopeNoun(kind: ScopeKind): string {
  return kind === 'enterprise' ? 'enterprise' : kind === 'org' ? 'organization' : 'repository';
}

/** `organization "octo-org"`, `repository "octo-org/octo-repo"`, `enterprise "octo-enterprise"`. */
export function scopeLabel(scope: Scope): string {
  return `${scopeNoun(scope.kind)} "${scopePath(scope)}"`;
}

export function scopePath(scope: Scope): string {
  return scope.kind === 'repo' ? `${scope.owner}/${scope.repo}` : scope.owner;
}

/**
 * The URL `config.sh --url` takes for this scope. Empty for an enterprise given by its numeric
 * id: the URL needs the slug, and no runner endpoint answers with it (docs/decisions.md).
 */
export function runnerUrl(scope: Scope, connection: ApiConnection): string {
  if (scope.kind === 'enterprise' && /^[0-9]+$/.test(scope.owner)) return '';
  const path = scope.kind === 'enterprise' ? `enterprises/${scope.owner}` : scopePath(scope);
  return `${connection.webUrl}/${path}`;
}

/** Runner groups exist at organization and enterprise scope only. */
export function hasRunnerGroups(scope: Scope): boolean {
  return scope.kind !== 'repo';
}
