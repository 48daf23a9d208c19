// A fleet of runners across operating systems, architectures and scopes, each rendering the user
// data its VM runs. A `null_resource` stands in for the VM resource: replace it with your cloud's
// instance (aws_instance.user_data, google_compute_instance.metadata_startup_script, ...).
// (Not `terraform_data`: its computed `output` loses the sensitive mark of the token it copies.)
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { EnterpriseRunner, OrgRunner, RepoRunner, RunnerBase, RunnerDownload } from 'cdktf-github-runners';

const org = process.env.GITHUB_ORG ?? 'octo-org';
const repo = process.env.GITHUB_REPOSITORY ?? 'octo-org/octo-repo';
const enterprise = process.env.GITHUB_ENTERPRISE ?? 'octo-enterprise';
const apiUrl = process.env.GITHUB_API_URL || undefined;
// Where the linux and macOS VMs install the runner (default: /opt/actions-runner and
// /usr/local/actions-runner). `npm run demo` runs them side by side on one machine.
const installRoot = process.env.RUNNER_INSTALL_ROOT || undefined;
const [owner, repository] = repo.split('/');

const app = new App();
const stack = new TerraformStack(app, 'vm-fleet');

// One download per platform; all downloads of a scope share one API call per plan.
const linuxX64 = new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' });
const linuxArm64 = new RunnerDownload(stack, 'linux-arm64', { org, apiUrl, os: 'linux', architecture: 'aarch64' });
const macArm64 = new RunnerDownload(stack, 'osx-arm64', { org, apiUrl, os: 'macos', architecture: 'arm64' });
const winX64 = new RunnerDownload(stack, 'win-x64', { org, apiUrl, os: 'windows', architecture: 'amd64' });

interface Vm {
  readonly runner: RunnerBase;
  readonly download: RunnerDownload;
}
const vms: Vm[] = [];

// Organization runners with registration tokens: the token is minted during the apply that
// creates each runner and stays stable in the VM's user data afterwards.
for (let i = 1; i <= 2; i++) {
  vms.push({
    runner: new OrgRunner(stack, `linux-${i}`, { org, apiUrl, name: `linux-x64-${i}`, labels: ['linux', 'x64'] }),
    download: linuxX64,
  });
}
// A just-in-time runner: ephemeral, its runner record exists from apply on.
vms.push({
  runner: new OrgRunner(stack, 'arm-jit', { org, apiUrl, name: 'linux-arm64-jit', labels: ['linux', 'arm64'], jit: true }),
  download: linuxArm64,
});
// A repository runner on macOS and an enterprise runner on Windows.
vms.push({ runner: new RepoRunner(stack, 'mac', { owner, repository, apiUrl, name: 'mac-arm64', labels: ['macos'] }), download: macArm64 });
vms.push({
  runner: new EnterpriseRunner(stack, 'windows', { enterprise, apiUrl, name: 'win-x64', labels: ['windows'] }),
  download: winX64,
});

for (const { runner, download } of vms) {
  const vm = new NullResource(stack, `${runner.node.id}-vm`, {
    triggers: {
      user_data: runner.installScript(
        download,
        installRoot && download.os !== 'win' ? { installDir: `${installRoot}/${runner.node.id}` } : {},
      ),
    },
  });
  new TerraformOutput(stack, `${runner.node.id}-runner-name`, { value: runner.runnerName });
  new TerraformOutput(stack, `${runner.node.id}-vm-id`, { value: vm.id });
}

app.synth();
