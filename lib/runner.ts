import { Construct } from 'constructs';
import {
  DataOperation,
  JitField,
  OWNER_MARKER_DIGITS,
  OWNER_MARKER_PREFIX,
  ProvisionerCommand,
  QueryKey,
  TokenResult,
  jitKey,
} from './contract';
import { Fn, LocalExecProvisioner, NullResource, Token } from './cdktf';
import { Connection, ConnectionProps, resolveConnection } from './connection-props';
import { deleteByIdProvisioner, deleteRunnerProvisioner } from './delete-provisioner';
import { InstallScriptOptions, RunnerInput, posixQuote, renderInstallScript } from './install-script';
import { RunnerDownload } from './runner-download';
import { RuntimeProgram } from './runtime-program';
import { RunnerScope, ScopeRef, scopeQuery, validateScopeRef } from './runner-scope';
import { SharedScope } from './shared-scope';
import { checkedAt, joinList, validateRunner } from './validation';

/** Props shared by the runner constructs of every scope. */
export interface RunnerOptions extends ConnectionProps {
  /** Runner name, unique in its scope (two runners of one name in one scope of a stack are refused). JIT runners get a generation suffix (see `runnerName`). */
  readonly name: string;
  /**
   * Custom labels, 1 to 100. A registration-token runner also registers with its ownership
   * marker, `cgr-` and 12 hex digits derived from its identity (see docs/decisions.md).
   * @default - none beyond GitHub's default labels (self-hosted, OS, architecture); ["self-hosted"] for a JIT runner
   */
  readonly labels?: string[];
  /**
   * Runner group name (organization and enterprise scope only).
   * @default - the Default group
   */
  readonly runnerGroup?: string;
  /**
   * Register an ephemeral runner: it takes one job, then GitHub removes it.
   * @default false (true for a JIT runner, which is always ephemeral)
   */
  readonly ephemeral?: boolean;
  /**
   * Register through a just-in-time configuration (`run.sh --jitconfig`) instead of a
   * registration token: the runner record exists from apply on, and the VM needs no token.
   * @default false
   */
  readonly jit?: boolean;
  /**
   * Delete the runner on GitHub when this construct is destroyed or replaced, with a credential
   * read from the environment at destroy time. Turning it off never replaces the runner.
   * @default true
   */
  readonly deregisterOnDestroy?: boolean;
  /**
   * Wait during apply until the runner is online on GitHub.
   * @default false
   */
  readonly waitForOnline?: boolean;
  /**
   * How long `waitForOnline` waits, in seconds.
   * @default 600
   */
  readonly onlineTimeout?: number;
  /**
   * How long a destroy waits for a busy runner to finish its job, in seconds, before it fails.
   * @default 300
   */
  readonly busyTimeout?: number;
  /**
   * The runner's work folder (`--work`).
   * @default "_work"
   */
  readonly workFolder?: string;
  /**
   * Register without GitHub's default labels (`--no-default-labels`). Registration tokens only.
   * @default false
   */
  readonly noDefaultLabels?: boolean;
}

/**
 * A self-hosted runner that a VM becomes. Synthesizes:
 * - an identity `null_resource` whose triggers are what defines the runner (scope, name, labels,
 *   group, mode); for a registration-token runner, a destroy-time provisioner deletes the runner
 *   of that name only if it carries the identity's marker label, which the VM registers with;
 * - a `null_resource` that captures the registration token or JIT configuration once, when the
 *   runner is created, and ignores later reads: no perpetual diff for a VM that embeds it. For a
 *   JIT runner its destroy-time provisioner deletes the runner by the id captured at mint; for a
 *   registration-token runner it checks at creation that no runner of the name is someone else's;
 * - optionally a `null_resource` that waits until the runner is online.
 * Why it takes this shape (the scope's epoch, a JIT source per runner): docs/decisions.md.
 */
export abstract class RunnerBase extends Construct {
  /** The runner's name on GitHub (with the generation suffix for a JIT runner). */
  public readonly runnerName: string;
  /** The registration token (sensitive); empty for a JIT runner. */
  public readonly token: string;
  /** The encoded JIT configuration for `run.sh --jitconfig` (sensitive); empty otherwise. */
  public readonly jitConfig: string;
  /** The URL `config.sh --url` takes. */
  public readonly runnerUrl: string;
  /**
   * `config.sh` arguments other than `--token`, for a POSIX shell command line you write yourself:
   * every value is single-quoted (a `'` inside becomes `'"'"'`, done by Terraform for a reference),
   * so the string may be spliced into `sh`/`bash` text as it is. Not for PowerShell or `cmd`: use
   * `configEnvironment` there. Holds no secret (pass the token through `ACTIONS_RUNNER_INPUT_TOKEN`).
   * Empty for a JIT runner, which runs `run.sh` with `ACTIONS_RUNNER_INPUT_JITCONFIG`.
   */
  public readonly configArgs: string;
  /**
   * The runner's inputs as environment variables, for a script or orchestrator of your own: the
   * runner reads `ACTIONS_RUNNER_INPUT_<NAME>` (URL, TOKEN, NAME, LABELS, RUNNERGROUP, WORK; JITCONFIG
   * for a JIT runner) and clears them, so nothing needs quoting and no secret is in a command line.
   * Then run `config.sh --unattended --replace` (plus `--ephemeral`, `--no-default-labels`,
   * `--disableupdate` as needed) or, for a JIT runner, `run.sh`. Holds the token or JIT configuration:
   * sensitive in Terraform's eyes.
   */
  public readonly configEnvironment: { [name: string]: string };
  /** The identity resource: replaced exactly when the runner is. */
  public readonly identity: NullResource;
  /** The resource holding the token or JIT configuration, stable until the runner is replaced. */
  public readonly credentials: NullResource;
  private readonly target: ScopeRef;
  private readonly jit: boolean;
  private readonly labels?: string[];
  /** `labels` plus, for a registration-token runner, its marker label. */
  private readonly registeredLabels?: string[];
  private readonly runnerGroup?: string;
  private readonly workFolder?: string;
  private readonly ephemeral: boolean;
  private readonly noDefaultLabels: boolean;

  protected constructor(scope: Construct, id: string, runnerScope: RunnerScope, props: RunnerOptions) {
    super(scope, id);
    this.target = runnerScope._ref;
    this.jit = props.jit ?? false;
    checkedAt(this, () => {
      validateScopeRef(this.target);
      validateRunner(props, this.target.kind, this.target.enterprise);
    });
    this.labels = props.labels ?? (this.jit ? ['self-hosted'] : undefined);
    this.runnerGroup = props.runnerGroup;
    this.workFolder = props.workFolder;
    this.ephemeral = this.jit || (props.ephemeral ?? false);
    this.noDefaultLabels = props.noDefaultLabels ?? false;

    const conn = resolveConnection(props);
    const runtime = RuntimeProgram.of(this);
    const shared = SharedScope.of(this, conn, this.target);
    shared.claimName(props.name, this.node.path);
    const triggers = this.identityTriggers(conn, props.name);
    this.identity = this.buildIdentity(runtime, conn, triggers, props);
    const captured = this.jit ? this.jitCredentials(runtime, conn, props.name) : this.tokenCredentials(shared, triggers, props.name);
    this.credentials = this.buildCredentials(runtime, conn, captured, props);

    const out = (k: string) => Token.asString(this.credentials.interpolationForAttribute(`triggers.${k}`));
    this.token = out('token');
    this.jitConfig = out('jit_config');
    this.runnerUrl = out('runner_url');
    this.runnerName = this.jit ? out('runner_name') : props.name;
    this.registeredLabels = this.jit ? this.labels : this.withOwnerMarker();
    this.configArgs = this.jit ? '' : this.buildConfigArgs(props.name);
    this.configEnvironment = this.buildConfigEnvironment(props.name);
    if (props.waitForOnline) this.buildOnlineWaiter(runtime, conn, props);
  }

  /** Only what defines the runner: a change here replaces it (and deregisters the old one). */
  private identityTriggers(conn: Connection, name: string): Record<string, string> {
    const triggers: Record<string, string> = {
      api_url: conn.apiUrl,
      ...scopeQuery(this.target),
      name,
      labels: this.labels ? joinList(this.labels) : '',
      runner_group: this.runnerGroup ?? '',
      work_folder: this.workFolder ?? '',
      mode: this.jit ? 'jit' : this.ephemeral ? 'ephemeral' : 'persistent',
      no_default_labels: String(this.noDefaultLabels),
    };
    if (Token.isUnresolved(conn.credentialEnv)) triggers.credential_env = conn.credentialEnv;
    return triggers;
  }

  /**
   * The identity. A registration-token runner is deleted by name and marker when it goes; a JIT
   * runner by the id its credentials captured (see buildCredentials).
   */
  private buildIdentity(runtime: RuntimeProgram, conn: Connection, triggers: Record<string, string>, props: RunnerOptions): NullResource {
    const provisioners: LocalExecProvisioner[] = [];
    if ((props.deregisterOnDestroy ?? true) && !this.jit) {
      provisioners.push(
        deleteRunnerProvisioner(runtime, {
          target: this.target,
          jit: false,
          credentialEnv: conn.credentialEnv,
          busyTimeout: props.busyTimeout,
        }),
      );
    }
    return new NullResource(this, 'Identity', { triggers, provisioners: provisioners.length > 0 ? provisioners : undefined });
  }

  /**
   * A JIT runner's configuration, from a data source of its own whose query references only its
   * identity: a source shared by the scope made every credentials resource depend on every identity.
   */
  private jitCredentials(runtime: RuntimeProgram, conn: Connection, name: string): Record<string, string> {
    const key = this.node.path.replace(/[^A-Za-z0-9_.-]/g, '.');
    const source = runtime.dataSource(this, 'JitConfig', conn, this.target, {
      [QueryKey.OPERATION]: DataOperation.JIT_CONFIGS,
      [`${QueryKey.RUNNER_PREFIX}${key}`]: Fn.jsonencode({
        name,
        generation: this.identity.id,
        labels: this.labels,
        runner_group: this.runnerGroup ?? '',
        work_folder: this.workFolder ?? '',
      }),
    });
    const field = (f: string) => source.result.lookup(jitKey(key, f));
    return {
      jit_config: Fn.sensitive(field(JitField.JIT_CONFIG)),
      runner_id: field(JitField.RUNNER_ID),
      runner_name: field(JitField.RUNNER_NAME),
      token: '',
      runner_url: '',
    };
  }

  /** A registration-token runner's token, from the scope's shared source (read at its epoch). */
  private tokenCredentials(shared: SharedScope, triggers: Record<string, string>, name: string): Record<string, string> {
    const source = shared.registrationToken(this.node.path, triggers);
    return {
      token: Fn.sensitive(source.result.lookup(TokenResult.TOKEN)),
      runner_url: source.result.lookup(TokenResult.RUNNER_URL),
      jit_config: '',
      runner_id: '',
      runner_name: name,
    };
  }

  /**
   * The credentials: `captured` plus where the runner lives (for the destroy provisioner, which
   * sees only `self`), taken once and replaced with the identity. A null_resource, not
   * terraform_data, whose computed `output` carries no sensitive mark (printed in destroy plans).
   */
  private buildCredentials(
    runtime: RuntimeProgram,
    conn: Connection,
    captured: Record<string, string>,
    props: RunnerOptions,
  ): NullResource {
    const triggers: Record<string, string> = { ...captured, api_url: conn.apiUrl, ...scopeQuery(this.target) };
    if (Token.isUnresolved(conn.credentialEnv)) triggers.credential_env = conn.credentialEnv;
    const provisioners: LocalExecProvisioner[] = [];
    if (this.jit && (props.deregisterOnDestroy ?? true)) {
      provisioners.push(
        deleteByIdProvisioner(runtime, {
          target: this.target,
          jit: true,
          conn,
          credentialEnv: conn.credentialEnv,
          busyTimeout: props.busyTimeout,
        }),
      );
    }
    if (!this.jit) {
      const flags: Record<string, string> = {
        'api-url': conn.apiUrl,
        ...scopeQuery(this.target),
        name: props.name,
        identity: this.identity.id,
      };
      if (conn.credentialEnv !== '') flags['credential-env'] = conn.credentialEnv;
      const { command, environment } = runtime.command(ProvisionerCommand.CHECK_NAME, flags);
      provisioners.push({ type: 'local-exec', command, environment });
    }
    return new NullResource(this, 'Credentials', {
      triggers,
      provisioners: provisioners.length > 0 ? provisioners : undefined,
      // A bare address: cdktf renders a resource object here as "${...}", which Terraform's JSON
      // syntax rejects in lifecycle blocks.
      lifecycle: { ignoreChanges: ['triggers'], replaceTriggeredBy: [`null_resource.${this.identity.friendlyUniqueId}`] },
    });
  }

  /**
   * `labels` plus the marker a registration-token runner registers with, so that a destroy deletes
   * only the runner this identity's VM registered (ownerMarker in lib/contract.ts computes the same).
   */
  private withOwnerMarker(): string[] {
    // format(), not a "${...}" template: cdktf warns about templates inside its function calls.
    const marker = Fn.format(`${OWNER_MARKER_PREFIX}%s`, [Fn.substr(Fn.sha256(this.identity.id), 0, OWNER_MARKER_DIGITS)]);
    // A list that is a Terraform expression (a variable) stays one: concat, not a spread.
    return this.labels && Token.isUnresolved(this.labels) ? Fn.concat([this.labels, [marker]]) : [...(this.labels ?? []), marker];
  }

  private buildConfigArgs(name: string): string {
    return [
      '--url',
      posixQuote(this.runnerUrl),
      '--name',
      posixQuote(name),
      ...(this.registeredLabels ? ['--labels', posixQuote(joinList(this.registeredLabels))] : []),
      ...(this.runnerGroup !== undefined ? ['--runnergroup', posixQuote(this.runnerGroup)] : []),
      ...(this.workFolder !== undefined ? ['--work', posixQuote(this.workFolder)] : []),
      ...(this.ephemeral ? ['--ephemeral'] : []),
      ...(this.noDefaultLabels ? ['--no-default-labels'] : []),
      '--unattended',
      '--replace',
    ].join(' ');
  }

  private buildConfigEnvironment(name: string): { [name: string]: string } {
    if (this.jit) return { [RunnerInput.JIT_CONFIG]: this.jitConfig };
    return {
      [RunnerInput.URL]: this.runnerUrl,
      [RunnerInput.TOKEN]: this.token,
      [RunnerInput.NAME]: name,
      ...(this.registeredLabels ? { [RunnerInput.LABELS]: joinList(this.registeredLabels) } : {}),
      ...(this.runnerGroup !== undefined ? { [RunnerInput.RUNNER_GROUP]: this.runnerGroup } : {}),
      ...(this.workFolder !== undefined ? { [RunnerInput.WORK]: this.workFolder } : {}),
    };
  }

  private buildOnlineWaiter(runtime: RuntimeProgram, conn: Connection, props: RunnerOptions): void {
    const flags: Record<string, string> = {
      'api-url': conn.apiUrl,
      ...scopeQuery(this.target),
      name: props.name,
      timeout: String(props.onlineTimeout ?? 600),
    };
    if (conn.credentialEnv !== '') flags['credential-env'] = conn.credentialEnv;
    if (this.jit) flags.generation = this.identity.id;
    const { command, environment } = runtime.command(ProvisionerCommand.WAIT_ONLINE, flags);
    new NullResource(this, 'Online', {
      triggers: { generation: this.identity.id },
      dependsOn: [this.credentials],
      provisioners: [{ type: 'local-exec', command, environment }],
    });
  }

  /**
   * The script a VM's user data runs to become this runner: downloads the archive, verifies its
   * SHA-256 (stopping before extracting on a mismatch), extracts, configures and starts the
   * runner. Bash for linux and osx, PowerShell for windows. The text embeds the token, so it is
   * sensitive in Terraform's eyes.
   */
  public installScript(download: RunnerDownload, options?: InstallScriptOptions): string {
    return checkedAt(this, () =>
      renderInstallScript(
        {
          os: download.os,
          downloadUrl: download.downloadUrl,
          sha256Checksum: download.sha256Checksum,
          tempDownloadToken: download.tempDownloadToken,
          pinned: download.pinned,
          runnerUrl: this.runnerUrl,
          token: this.token,
          jitConfig: this.jitConfig,
          jit: this.jit,
          name: this.runnerName,
          labels: this.registeredLabels,
          runnerGroup: this.runnerGroup,
          workFolder: this.workFolder,
          ephemeral: this.ephemeral,
          noDefaultLabels: this.noDefaultLabels,
        },
        options,
      ),
    );
  }

  /** The scope this runner belongs to. @internal */
  public get _scope(): ScopeRef {
    return this.target;
  }
}

/** Props of {@link EnterpriseRunner}. */
export interface EnterpriseRunnerProps extends RunnerOptions {
  /**
   * Enterprise slug, or its numeric id for a `jit` runner (a registration-token runner's
   * `config.sh --url` needs the slug). Needs a classic personal access token with
   * `manage_runners:enterprise` or `admin:enterprise`.
   */
  readonly enterprise: string;
}

/** A runner of an enterprise. */
export class EnterpriseRunner extends RunnerBase {
  constructor(scope: Construct, id: string, props: EnterpriseRunnerProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'enterprise', enterprise: props.enterprise }), props);
  }
}

/** Props of {@link OrgRunner}. */
export interface OrgRunnerProps extends RunnerOptions {
  /** Organization name. */
  readonly org: string;
}

/** A runner of an organization. */
export class OrgRunner extends RunnerBase {
  constructor(scope: Construct, id: string, props: OrgRunnerProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'org', org: props.org }), props);
  }
}

/** Props of {@link RepoRunner}. */
export interface RepoRunnerProps extends RunnerOptions {
  /** Repository owner (user or organization). */
  readonly owner: string;
  /** Repository name. */
  readonly repository: string;
}

/** A runner of one repository. */
export class RepoRunner extends RunnerBase {
  constructor(scope: Construct, id: string, props: RepoRunnerProps) {
    super(scope, id, RunnerScope._unchecked({ kind: 'repo', owner: props.owner, repository: props.repository }), props);
  }
}
