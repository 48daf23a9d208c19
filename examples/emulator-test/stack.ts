// The stack under test: what a user's own app builds. Here: two organization runners on linux,
// one with a registration token and one just-in-time, each with the user data its VM would run.
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OrgRunner, RunnerDownload } from 'cdktf-github-runners';

export interface FleetProps {
  readonly org: string;
  /** The emulator's URL in tests; GitHub (the default) in production. */
  readonly apiUrl?: string;
}

export function buildFleet(stack: TerraformStack, props: FleetProps): void {
  const { org, apiUrl } = props;
  const linux = new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' });
  const runners = [
    new OrgRunner(stack, 'build-1', { org, apiUrl, name: 'build-1', labels: ['linux'] }),
    new OrgRunner(stack, 'build-jit', { org, apiUrl, name: 'build-jit', labels: ['linux'], jit: true }),
  ];
  for (const runner of runners) {
    new NullResource(stack, `${runner.node.id}-vm`, { triggers: { user_data: runner.installScript(linux) } });
    new TerraformOutput(stack, `${runner.node.id}-name`, { value: runner.runnerName });
  }
}
