// A CDK Terrain (cdktn 0.24) app as a user writes one, with the cdktn-github-runners package.
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktn';
import { OrgRunner, OrgRunnerToken, RepoRunner, RunnerDownload, Runners } from 'cdktn-github-runners';

const apiUrl = process.env.GITHUB_API_URL;
const app = new App(process.env.OUTDIR ? { outdir: process.env.OUTDIR } : {});
const stack = new TerraformStack(app, 'terrain');
new LocalBackend(stack, { path: 'terraform.tfstate' });

const linux = new RunnerDownload(stack, 'linux-x64', { org: 'octo-org', apiUrl, os: 'linux', architecture: 'x64' });
const registered = new OrgRunner(stack, 'registered', { org: 'octo-org', apiUrl, name: 'tn-registered' });
const jit = new RepoRunner(stack, 'jit', { owner: 'octo-org', repository: 'octo-repo', apiUrl, name: 'tn-jit', jit: true });
const token = new OrgRunnerToken(stack, 'org-token', { org: 'octo-org', apiUrl });
const listed = new Runners(stack, 'runner-list', { org: 'octo-org', apiUrl });

new TerraformOutput(stack, 'install_script', { value: registered.installScript(linux), sensitive: true });
new TerraformOutput(stack, 'jit_name', { value: jit.runnerName });
// A token construct mints at every read and Runners lists at every read: kept out of the outputs
// so that a re-plan is clean; the runner's own token is stable (install_script).
new TerraformOutput(stack, 'token_url', { value: token.runnerUrl });
new TerraformOutput(stack, 'listed_count', { value: listed.count > -1 ? 'read' : 'unread' });
app.synth();
