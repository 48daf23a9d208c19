import { Construct } from 'constructs';
import { LocalExecProvisioner, TerraformElement } from './cdktf';
import { deleteByIdProvisioner, deleteRunnerProvisioner } from './delete-provisioner';
import { RuntimeProgram } from './runtime-program';
import { checkedAt, validateRetiredRunner } from './validation';

/** Props of {@link RetiredRunner}. */
export interface RetiredRunnerProps {
  /**
   * Name of the environment variable holding the credential used to delete the runner.
   * @default - the variable the runner was created with if it was a Terraform expression, else GITHUB_TOKEN, then GH_TOKEN, then a GitHub App
   */
  readonly credentialEnv?: string;
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
 * `RetiredRunner` under the same parent and with the same construct id: it synthesizes `removed`
 * blocks for the runner's identity and credentials with the same deletion provisioners, which take
 * the API URL, scope, name, mode and captured id from state. The apply deletes the runner and
 * forgets it in state; after that apply the `RetiredRunner` may go too (it is a no-op when
 * nothing is left in state). It deletes the runner even if it had `deregisterOnDestroy: false`.
 *
 * Needs Terraform 1.9 or later (provisioners in `removed` blocks; tested with Terraform 1.11 and
 * 1.15 and OpenTofu 1.10) and JSON synthesis (cdktf's HCL output has no `removed` blocks).
 */
export class RetiredRunner extends Construct {
  constructor(scope: Construct, id: string, props: RetiredRunnerProps = {}) {
    super(scope, id);
    checkedAt(this, () => validateRetiredRunner(props));
    const credentialEnv = props.credentialEnv ?? '';
    const runtime = RuntimeProgram.of(this);
    const options = { credentialEnv, credentialEnvFromState: true, busyTimeout: props.busyTimeout };
    // Same construct paths as the runner's resources, so the same Terraform addresses. Terraform
    // destroys the credentials first (they depend on the identity): a JIT runner whose
    // credentials hold its id and scope is deleted by id there; the identity's block then deletes
    // a registration-token runner by name and marker, or a JIT runner of older state by its
    // generation name (finding nothing when the credentials' block already deleted it).
    new RemovedResource(this, 'Credentials', deleteByIdProvisioner(runtime, options));
    new RemovedResource(this, 'Identity', deleteRunnerProvisioner(runtime, options));
  }
}

/** A `removed` block (destroy = true) for the null_resource at this construct's address. */
class RemovedResource extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly provisioner: LocalExecProvisioner,
  ) {
    super(scope, id);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktf's signature (and jsii's type) for synthesized JSON
  public toTerraform(): any {
    const { type: _type, ...localExec } = this.provisioner;
    return {
      removed: [
        {
          from: `null_resource.${this.friendlyUniqueId}`,
          lifecycle: { destroy: true },
          provisioner: [{ 'local-exec': localExec }],
        },
      ],
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktf's signature (and jsii's type) for synthesized JSON
  public toHclTerraform(): any {
    throw new Error("RetiredRunner needs JSON synthesis: cdktf's HCL output has no removed blocks; turn hclOutput off");
  }
}
