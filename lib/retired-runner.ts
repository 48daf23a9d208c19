import { Construct } from 'constructs';
import { LocalExecProvisioner, TerraformElement } from './cdktf';
import { ConnectionProps, resolveConnection } from './connection';
import { deleteRunnerProvisioner } from './delete-provisioner';
import { RuntimeProgram } from './runtime-program';
import { ScopeProps, scopeFromProps } from './scope';
import { validatePositive } from './validation';

/** Props of {@link RetiredRunner}. */
export interface RetiredRunnerProps extends ScopeProps, ConnectionProps {
  /**
   * Whether the retired runner was a JIT runner (its GitHub name carries a generation suffix).
   * @default false
   */
  readonly jit?: boolean;
  /**
   * How long the deletion waits for a busy runner to finish its job, in seconds, before the apply fails.
   * @default 300
   */
  readonly busyTimeout?: number;
}

/**
 * Takes the place of a runner construct that is being removed, so that the next apply deletes the
 * runner on GitHub. Terraform does not run the destroy-time provisioner of a resource whose block
 * is gone from the configuration, so deleting an `OrgRunner` (or `RepoRunner`,
 * `EnterpriseRunner`) from the code would leave its runner registered on GitHub. Replace it with a
 * `RetiredRunner` of the same scope, under the same parent and with the same construct id: it
 * synthesizes a `removed` block for the runner's identity with the same deletion provisioner, so
 * the apply deletes the runner and forgets it in state. Once that apply is done the
 * `RetiredRunner` may be deleted too (it is a no-op when nothing is left in state).
 *
 * Needs Terraform 1.9 or later (provisioners in `removed` blocks); tested with Terraform 1.11 and
 * 1.15 and OpenTofu 1.10.
 */
export class RetiredRunner extends Construct {
  constructor(scope: Construct, id: string, props: RetiredRunnerProps) {
    super(scope, id);
    const target = scopeFromProps(props, 'RetiredRunner');
    const conn = resolveConnection(props);
    validatePositive(props.busyTimeout, 'busyTimeout');
    const provisioner = deleteRunnerProvisioner(RuntimeProgram.of(this), target, conn, { jit: props.jit ?? false, busyTimeout: props.busyTimeout });
    // Same construct path as the runner's identity, so the same Terraform address.
    new RemovedIdentity(this, 'Identity', provisioner);
  }
}

/** A `removed` block (destroy = true) for the null_resource at this construct's address. */
class RemovedIdentity extends TerraformElement {
  constructor(scope: Construct, id: string, private readonly provisioner: LocalExecProvisioner) {
    super(scope, id);
  }

  public toTerraform(): any {
    const { type: _type, ...localExec } = this.provisioner;
    return {
      removed: [{
        from: `null_resource.${this.friendlyUniqueId}`,
        lifecycle: { destroy: true },
        provisioner: [{ 'local-exec': localExec }],
      }],
    };
  }
}
