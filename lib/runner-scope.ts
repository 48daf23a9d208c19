import { QueryKey } from './contract';
import { Token } from './cdktf';
import { validateEnterprise, validateLogin, validateRepository } from './validation';

/**
 * The one scope abstraction of the constructs: enterprise, organization or repository.
 * Everything scope-specific (query keys, provisioner flags, sharing keys) derives from it.
 */
export interface ScopeRef {
  readonly kind: 'enterprise' | 'org' | 'repo';
  readonly enterprise?: string;
  readonly org?: string;
  readonly owner?: string;
  readonly repository?: string;
}

/** The scope props that constructs with a free choice of scope accept. */
export interface ScopeProps {
  /**
   * Enterprise slug or numeric id: the runners of an enterprise.
   * @default - not an enterprise scope
   */
  readonly enterprise?: string;
  /**
   * Organization name: the runners of an organization.
   * @default - not an organization scope
   */
  readonly org?: string;
  /**
   * Repository owner (with `repository`): the runners of one repository.
   * @default - not a repository scope
   */
  readonly owner?: string;
  /**
   * Repository name (with `owner`).
   * @default - not a repository scope
   */
  readonly repository?: string;
}

/** Checks the names of a scope (RunnerScope's factories, and each construct naming its path). */
export function validateScopeRef(ref: ScopeRef): void {
  if (ref.kind === 'enterprise') validateEnterprise(ref.enterprise!);
  if (ref.kind === 'org') validateLogin(ref.org!, 'organization');
  if (ref.kind === 'repo') {
    validateLogin(ref.owner!, 'owner');
    validateRepository(ref.repository!);
  }
}

function checked(ref: ScopeRef): ScopeRef {
  validateScopeRef(ref);
  return ref;
}

export function enterpriseScope(enterprise: string): ScopeRef {
  return checked({ kind: 'enterprise', enterprise });
}

export function orgScope(org: string): ScopeRef {
  return checked({ kind: 'org', org });
}

export function repoScope(owner: string, repository: string): ScopeRef {
  return checked({ kind: 'repo', owner, repository });
}

/** Exactly one of `enterprise`, `org`, or `owner` + `repository`. */
export function scopeFromProps(props: ScopeProps, construct: string): ScopeRef {
  const given = [props.enterprise, props.org, props.owner ?? props.repository].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new Error(`${construct} needs exactly one scope: set enterprise, or org, or owner and repository`);
  }
  if (props.enterprise !== undefined) return enterpriseScope(props.enterprise);
  if (props.org !== undefined) return orgScope(props.org);
  if (props.owner === undefined || props.repository === undefined) {
    throw new Error(`${construct} repository scope needs both owner and repository`);
  }
  return repoScope(props.owner, props.repository);
}

/** The scope's keys in a data-source query (lib/contract.ts). */
export function scopeQuery(scope: ScopeRef): Record<string, string> {
  switch (scope.kind) {
    case 'enterprise':
      return { [QueryKey.ENTERPRISE]: scope.enterprise! };
    case 'org':
      return { [QueryKey.ORG]: scope.org! };
    case 'repo':
      return { [QueryKey.OWNER]: scope.owner!, [QueryKey.REPOSITORY]: scope.repository! };
  }
}

/** Every scope key a query or an identity's triggers may hold, whatever the scope's kind. */
export const ALL_SCOPE_KEYS: readonly string[] = [QueryKey.ENTERPRISE, QueryKey.ORG, QueryKey.OWNER, QueryKey.REPOSITORY];

/** A stable string naming the scope, used to share data sources between constructs. */
export function scopeKey(scope: ScopeRef): string {
  const parts = Object.values(scopeQuery(scope)).map((v) => (Token.isUnresolved(v) ? `token:${v}` : v));
  return `${scope.kind}:${parts.join('/')}`;
}

/** A readable identifier fragment for construct ids. */
export function scopeSlug(scope: ScopeRef): string {
  const raw = Object.values(scopeQuery(scope))
    .map((v) => (Token.isUnresolved(v) ? 'dynamic' : v))
    .join('-');
  return `${scope.kind}-${raw}`.replace(/[^A-Za-z0-9-]/g, '-');
}

/**
 * Which runners a construct manages: those of an enterprise, an organization or a repository.
 * Values come from the static factories, which validate at synth time.
 */
export class RunnerScope {
  /** The runners of an enterprise (slug). */
  public static enterprise(enterprise: string): RunnerScope {
    return new RunnerScope(enterpriseScope(enterprise));
  }

  /** The runners of an organization. */
  public static organization(org: string): RunnerScope {
    return new RunnerScope(orgScope(org));
  }

  /** The runners of one repository. */
  public static repository(owner: string, repository: string): RunnerScope {
    return new RunnerScope(repoScope(owner, repository));
  }

  /**
   * A scope whose names the construct taking it checks, so that the message names its path.
   * @internal
   */
  public static _unchecked(ref: ScopeRef): RunnerScope {
    return new RunnerScope(ref);
  }

  /** @internal */
  public readonly _ref: ScopeRef;

  private constructor(ref: ScopeRef) {
    this._ref = ref;
  }
}
