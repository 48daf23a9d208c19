import { Construct } from 'constructs';
import { DataOperation, QueryKey, TokenResult } from './contract';
import { DataExternal, Fn } from './cdktf';
import { ConnectionProps, resolveConnection } from './connection-props';
import { RuntimeProgram } from './runtime-program';
import { RunnerScope, validateScopeRef } from './runner-scope';
import { checkedAt, validateConnection } from './validation';

/** Which token to mint. */
export enum RunnerTokenKind {
  /** A registration token, for `config.sh --token`. */
  REGISTRATION = 'registration',
  /** A remove token, for `config.sh remove --token`. */
  REMOVE = 'remove',
}

/** Props shared by the token constructs of every scope. */
export interface RunnerTokenOptions extends ConnectionProps {
  /**
   * Which token to mint.
   * @default RunnerTokenKind.REGISTRATION
   */
  readonly kind?: RunnerTokenKind;
}

/**
 * A registration or remove token, minted by the runtime each time Terraform reads it (every plan).
 * For a VM that embeds a token, use a runner construct (`OrgRunner`...): its token is stable
 * across plans and minted during the apply that creates the runner.
 */
export abstract class RunnerTokenBase extends Construct {
  /** The token (sensitive). Valid for one hour after it was minted. */
  public readonly token: string;
  /** When the token expires (ISO 8601). */
  public readonly expiresAt: string;
  /** The URL `config.sh --url` takes for this scope. */
  public readonly runnerUrl: string;
  /** The underlying `external` data source. */
  public readonly dataSource: DataExternal;

  protected constructor(scope: Construct, id: string, runnerScope: RunnerScope, options: RunnerTokenOptions) {
    super(scope, id);
    const target = runnerScope._ref;
    checkedAt(this, () => {
      validateScopeRef(target);
      validateConnection(options);
    });
    const conn = resolveConnection(options);
    const kind = options.kind ?? RunnerTokenKind.REGISTRATION;
    const operation = kind === RunnerTokenKind.REMOVE ? DataOperation.REMOVE_TOKEN : DataOperation.REGISTRATION_TOKEN;
    this.dataSource = RuntimeProgram.of(this).dataSource(this, 'Token', conn, target, { [QueryKey.OPERATION]: operation });
    this.token = Fn.sensitive(this.dataSource.result.lookup(TokenResult.TOKEN));
    this.expiresAt = this.dataSource.result.lookup(TokenResult.EXPIRES_AT);
    this.runnerUrl = this.dataSource.result.lookup(TokenResult.RUNNER_URL);
  }
}

/** Props of {@link EnterpriseRunnerToken}. */
export interface EnterpriseRunnerTokenProps extends RunnerTokenOptions {
  /**
   * Enterprise slug, or its numeric id (then `runnerUrl` is empty: the runner's `config.sh --url`
   * needs the slug, which the REST API does not tell from an id). Needs a classic personal access
   * token with `manage_runners:enterprise` or `admin:enterprise`.
   */
  readonly enterprise: string;
}

/** A runner registration or remove token for an enterprise. */
export class EnterpriseRunnerToken extends RunnerTokenBase {
  constructor(scope: Construct, id: string, props: EnterpriseRunnerTokenProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'enterprise', enterprise: props.enterprise }), props);
  }
}

/** Props of {@link OrgRunnerToken}. */
export interface OrgRunnerTokenProps extends RunnerTokenOptions {
  /** Organization name. */
  readonly org: string;
}

/** A runner registration or remove token for an organization. */
export class OrgRunnerToken extends RunnerTokenBase {
  constructor(scope: Construct, id: string, props: OrgRunnerTokenProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'org', org: props.org }), props);
  }
}

/** Props of {@link RepoRunnerToken}. */
export interface RepoRunnerTokenProps extends RunnerTokenOptions {
  /** Repository owner (user or organization). */
  readonly owner: string;
  /** Repository name. */
  readonly repository: string;
}

/** A runner registration or remove token for a repository. */
export class RepoRunnerToken extends RunnerTokenBase {
  constructor(scope: Construct, id: string, props: RepoRunnerTokenProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'repo', owner: props.owner, repository: props.repository }), props);
  }
}
