import { ProvisionerCommand } from './contract';
import { LocalExecProvisioner, Token } from './cdktf';
import { RuntimeProgram } from './runtime-program';
import { ALL_SCOPE_KEYS, ScopeRef, scopeQuery } from './scope';

/**
 * What the deletion needs besides the identity's triggers. A runner knows its scope and mode; a
 * `RetiredRunner` leaves them undefined, and the provisioner reads them from the state of the
 * identity it removes, so it cannot get them wrong.
 */
export interface DeleteOptions {
  /** The runner's scope; undefined: whichever scope the identity's triggers hold. */
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
 * The destroy-time provisioner that deletes, on GitHub, the runner an identity resource stands
 * for. Destroy provisioners may reference only `self`: the scope, name and API URL come from the
 * identity's triggers (so they are those of the runner being destroyed, not of the current
 * configuration), the rest are literals. Shared by the runners and by `RetiredRunner`'s `removed`
 * block, which runs it for an identity whose resource block is gone.
 */
export function deleteRunnerProvisioner(runtime: RuntimeProgram, o: DeleteOptions): LocalExecProvisioner {
  const scopeKeys = o.target ? Object.keys(scopeQuery(o.target)) : ALL_SCOPE_KEYS;
  const fromState = (k: string) => (o.target ? `\${self.triggers.${k}}` : `\${lookup(self.triggers, "${k}", "")}`);
  const flags: Record<string, string> = {
    'api-url': '${self.triggers.api_url}',
    ...Object.fromEntries(scopeKeys.map((k) => [k, fromState(k)])),
    'name': '${self.triggers.name}',
    'busy-timeout': String(o.busyTimeout ?? 300),
  };
  if (Token.isUnresolved(o.credentialEnv)) flags['credential-env'] = '${self.triggers.credential_env}';
  else if (o.credentialEnv !== '') flags['credential-env'] = o.credentialEnv;
  else if (o.credentialEnvFromState) flags['credential-env'] = '${lookup(self.triggers, "credential_env", "")}';
  // The runtime treats an empty flag as absent: no generation suffix for a runner that is not JIT.
  if (o.jit === undefined) flags.generation = '${self.triggers.mode == "jit" ? self.id : ""}';
  else if (o.jit) flags.generation = '${self.id}';
  const { command, environment } = runtime.command(ProvisionerCommand.DELETE_RUNNER, flags);
  return { type: 'local-exec', when: 'destroy', command, environment };
}
