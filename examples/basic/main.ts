// The smallest useful app: one organization registration token and one runner download.
// Run against GitHub:  GITHUB_TOKEN=... GITHUB_ORG=my-org cdktf deploy
// Run offline:         npx cdktf-github-runners emulator --org my-org (prints its URL and a token), then
//                      GITHUB_API_URL=<url> GITHUB_TOKEN=<token> GITHUB_ORG=my-org cdktf deploy
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { OrgRunnerToken, RunnerDownload } from 'cdktf-github-runners';

const org = process.env.GITHUB_ORG ?? 'octo-org';
// GitHub Enterprise Server: https://HOST/api/v3; GHE.com: https://api.SUBDOMAIN.ghe.com.
const apiUrl = process.env.GITHUB_API_URL || undefined;

const app = new App();
const stack = new TerraformStack(app, 'basic');

const token = new OrgRunnerToken(stack, 'registration-token', { org, apiUrl });
const linux = new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' });

new TerraformOutput(stack, 'registration_token', { value: token.token, sensitive: true });
new TerraformOutput(stack, 'registration_token_expires_at', { value: token.expiresAt });
new TerraformOutput(stack, 'runner_url', { value: token.runnerUrl });
new TerraformOutput(stack, 'runner_version', { value: linux.version });
new TerraformOutput(stack, 'runner_download_url', { value: linux.downloadUrl });
new TerraformOutput(stack, 'runner_sha256', { value: linux.sha256Checksum });

app.synth();
