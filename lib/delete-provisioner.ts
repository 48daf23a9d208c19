import { ProvisionerCommand } from './contract';
import { LocalExecProvisioner, Token } from './cdktf';
import { Connection } from './connection';
import { RuntimeProgram } from './runtime-program';
import { ScopeRef, scopeQuery } from './scope';

/** What the destroy-time deletion of one runner needs besides its identity's triggers. */
export interface DeleteOptions {
  readonly jit: boolean;
  readonly busyTimeout?: number;
}

/**
 * The destroy-time provisioner that deletes, on GitHub, the runner an identity resource stands
 * for. Destroy provisioners may reference only `self`: the scope, name and API URL come from the
 * identity's triggers (so they are those of the runner being destroyed, not of the current
 * configuration), the rest are literals. Shared by the runners and by `RetiredRunner`'s `removed`
 * block, which runs it for an identity whose resource block is gone.
 */
export function deleteRunnerProvisioner(runtime: RuntimeProgram, target: ScopeRef, conn: Connection, o: DeleteOptions): LocalExecProvisioner {
  const flags: Record<string, string> = {
    'api-url': '${self.triggers.api_url}',
    ...Object.fromEntries(Object.keys(scopeQuery(target)).map((k) => [k, `\${self.triggers.${k}}`])),
    'name': '${self.triggers.name}',
    'busy-timeout': String(o.busyTimeout ?? 300),
  };
  if (conn.credentialEnv !== '') {
    flags['credential-env'] = Token.isUnresolved(conn.credentialEnv) ? '${self.triggers.credential_env}' : conn.credentialEnv;
  }
  if (o.jit) flags.generation = '${self.id}';
  const { command, environment } = runtime.command(ProvisionerCommand.DELETE_RUNNER, flags);
  return { type: 'local-exec', when: 'destroy', command, environment };
}
