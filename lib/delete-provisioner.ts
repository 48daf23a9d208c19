import { ProvisionerCommand } from './contract';
import { LocalExecProvisioner, Token } from './cdktf';
import { Connection } from './connection-props';
import { RuntimeProgram } from './runtime-program';
import { ALL_SCOPE_KEYS, ScopeRef, scopeQuery } from './runner-scope';

/**
 * What the deletion needs besides the resource's state. A runner knows its scope and mode; a
 * `RetiredRunner` leaves them undefined, and the provisioner reads them from the state of the
 * resource it removes, so it cannot get them wrong.
 */
export interface DeleteOptions {
  /** The runner's scope; undefined: whichever scope the resource's triggers hold. */
  readonly target?: ScopeRef;
  /** Whether the runner is a JIT runner; undefined: the identity's `mode` trigger says. */
  readonly jit?: boolean;
  /** The credential variable name, a Terraform expression, or '' for the defaults. */
  readonly credentialEnv: string;
  /** Whether a credential_env trigger may hold the name when `credentialEnv` is '' (retired runners). */
  readonly credentialEnvFromState?: boolean;
  readonly busyTimeout?: number;
}

/**
 * The destroy-time provisioner of an identity resource: deletes, on GitHub, the registration-token
 * runner it stands for, by name, and only if the runner carries the identity's marker label
 * (`--identity self.id`; see ownerMarker in lib/contract.ts). Destroy provisioners may reference
 * only `self`: the scope, name and API URL come from the identity's triggers (so they are those of
 * the runner being destroyed, not of the current configuration), the rest are literals. Shared by
 * the runners and by `RetiredRunner`'s `removed` block, which runs it for an identity whose
 * resource block is gone; there the mode comes from state, and a JIT identity (created before JIT
 * runners were deleted by id, or whose credentials were never captured) is deleted by its
 * generation name.
 */
export function deleteRunnerProvisioner(runtime: RuntimeProgram, o: DeleteOptions): LocalExecProvisioner {
  const scopeKeys = o.target ? Object.keys(scopeQuery(o.target)) : ALL_SCOPE_KEYS;
  const fromState = (k: string) => (o.target ? `\${self.triggers.${k}}` : `\${lookup(self.triggers, "${k}", "")}`);
  const flags: Record<string, string> = {
    'api-url': '${self.triggers.api_url}',
    ...Object.fromEntries(scopeKeys.map((k) => [k, fromState(k)])),
    name: '${self.triggers.name}',
    'busy-timeout': String(o.busyTimeout ?? 300),
  };
  addCredentialEnv(flags, o, '${self.triggers.credential_env}');
  // The runtime treats an empty flag as absent.
  if (o.jit === undefined) {
    flags.generation = '${self.triggers.mode == "jit" ? self.id : ""}';
    flags.identity = '${self.triggers.mode == "jit" ? "" : self.id}';
  } else if (o.jit) {
    flags.generation = '${self.id}';
  } else {
    flags.identity = '${self.id}';
  }
  const { command, environment } = runtime.command(ProvisionerCommand.DELETE_RUNNER, flags);
  return { type: 'local-exec', when: 'destroy', command, environment };
}

/** What deleting a JIT runner by its captured id needs. */
export interface DeleteByIdOptions extends DeleteOptions {
  /**
   * The runner's connection, whose literal API URL and scope stand in for state written before
   * the credentials carried them (undefined: a retired runner, which then leaves it to the identity).
   */
  readonly conn?: Connection;
}

/**
 * The destroy-time provisioner of a JIT runner's credentials resource: deletes the runner by the
 * id captured when its configuration was minted (`self.triggers.runner_id`), one request, no
 * lookup. The credentials are replaced whenever the identity is (replace_triggered_by), so this
 * runs exactly when the runner goes. Its triggers carry the API URL and scope since this version;
 * for older state, a runner uses its current literals, and a retired one (`--optional`) does
 * nothing, its identity's `removed` block deleting it by generation name.
 */
export function deleteByIdProvisioner(runtime: RuntimeProgram, o: DeleteByIdOptions): LocalExecProvisioner {
  const scopeKeys = o.target ? Object.keys(scopeQuery(o.target)) : ALL_SCOPE_KEYS;
  const literals: Record<string, string> = o.target && o.conn ? { api_url: o.conn.apiUrl, ...scopeQuery(o.target) } : {};
  const fromState = (k: string) => `\${lookup(self.triggers, "${k}", "${hclLiteral(literals[k])}")}`;
  const flags: Record<string, string> = {
    'api-url': fromState('api_url'),
    ...Object.fromEntries(scopeKeys.map((k) => [k, fromState(k)])),
    id: '${lookup(self.triggers, "runner_id", "")}',
    'busy-timeout': String(o.busyTimeout ?? 300),
  };
  if (o.conn) flags.name = '${lookup(self.triggers, "runner_name", "")}';
  else flags.optional = 'true';
  addCredentialEnv(flags, o, '${lookup(self.triggers, "credential_env", "")}');
  const { command, environment } = runtime.command(ProvisionerCommand.DELETE_RUNNER, flags);
  return { type: 'local-exec', when: 'destroy', command, environment };
}

function addCredentialEnv(flags: Record<string, string>, o: DeleteOptions, fromState: string): void {
  if (Token.isUnresolved(o.credentialEnv)) flags['credential-env'] = fromState;
  else if (o.credentialEnv !== '') flags['credential-env'] = o.credentialEnv;
  else if (o.credentialEnvFromState) flags['credential-env'] = '${lookup(self.triggers, "credential_env", "")}';
}

/** A validated literal as the body of an HCL string; '' for an expression or anything unusual. */
function hclLiteral(v: string | undefined): string {
  return v !== undefined && !Token.isUnresolved(v) && /^[A-Za-z0-9._:/@+-]*$/.test(v) ? v : '';
}
