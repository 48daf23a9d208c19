import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EnterpriseRunner, OrgRunner, OrgRunnerToken, RepoRunner, RetiredRunner, RunnerDownload, Runners } from '../../lib';

// Every construct runs its synth-time checks in one place (lib/validation.ts) and names its
// construct path first, so a fleet of many runners says which one is wrong.
function inFleet(build: (scope: Construct) => void): () => void {
  return () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    build(new Construct(stack, 'Fleet'));
  };
}

describe('synth-time messages name the construct path', () => {
  test.each<[string, (s: Construct) => void, RegExp]>([
    [
      'runner name',
      (s) => new OrgRunner(s, 'Vm7', { org: 'octo-org', name: 'has space' }),
      /^stack\/Fleet\/Vm7: invalid runner name "has space": use 1 to 64/,
    ],
    [
      'organization of a runner',
      (s) => new OrgRunner(s, 'Vm7', { org: '-bad-', name: 'vm-7' }),
      /^stack\/Fleet\/Vm7: invalid organization name "-bad-"/,
    ],
    [
      'repository of a runner',
      (s) => new RepoRunner(s, 'Vm7', { owner: 'octo-org', repository: '..', name: 'vm-7' }),
      /^stack\/Fleet\/Vm7: invalid repository name "\.\."/,
    ],
    [
      'enterprise id of a token runner',
      (s) => new EnterpriseRunner(s, 'Vm7', { enterprise: '42', name: 'vm-7' }),
      /^stack\/Fleet\/Vm7: enterprise "42" is an id/,
    ],
    [
      'runner group of a repository runner',
      (s) => new RepoRunner(s, 'Vm7', { owner: 'o', repository: 'r', name: 'vm-7', runnerGroup: 'g' }),
      /^stack\/Fleet\/Vm7: runner groups belong to/,
    ],
    [
      'work folder',
      (s) => new OrgRunner(s, 'Vm7', { org: 'o', name: 'vm-7', workFolder: 'a b' }),
      /^stack\/Fleet\/Vm7: invalid workFolder "a b"/,
    ],
    [
      'apiUrl',
      (s) => new OrgRunner(s, 'Vm7', { org: 'o', name: 'vm-7', apiUrl: 'http://example.com' }),
      /^stack\/Fleet\/Vm7: apiUrl "http:\/\/example.com" is not https/,
    ],
    [
      'install script options',
      (s) => {
        const d = new RunnerDownload(s, 'Linux', { org: 'o', os: 'linux', architecture: 'x64' });
        new OrgRunner(s, 'Vm7', { org: 'o', name: 'vm-7' }).installScript(d, { runAsUser: 'Root;' });
      },
      /^stack\/Fleet\/Vm7: invalid runAsUser "Root;"/,
    ],
    [
      'download checksum',
      (s) => new RunnerDownload(s, 'Linux', { org: 'o', os: 'linux', architecture: 'x64', sha256Checksum: 'abc' }),
      /^stack\/Fleet\/Linux: invalid sha256Checksum/,
    ],
    [
      'download os',
      (s) => new RunnerDownload(s, 'Linux', { org: 'o', os: 'beos', architecture: 'x64' }),
      /^stack\/Fleet\/Linux: unknown operating system "beos"/,
    ],
    [
      'download scope',
      (s) => new RunnerDownload(s, 'Linux', { os: 'linux', architecture: 'x64' }),
      /^stack\/Fleet\/Linux: RunnerDownload needs exactly one scope/,
    ],
    [
      'runners filter',
      (s) => new Runners(s, 'Query', { org: 'o', labels: [] }),
      /^stack\/Fleet\/Query: labels filter must hold 1 to 100 labels, got 0$/,
    ],
    [
      'token connection',
      (s) => new OrgRunnerToken(s, 'Token', { org: 'o', credentialEnv: 'ghp_0123456789abcdef' }),
      /^stack\/Fleet\/Token: credentialEnv looks like a credential/,
    ],
    [
      'retired runner',
      (s) => new RetiredRunner(s, 'Old', { busyTimeout: 0 }),
      /^stack\/Fleet\/Old: busyTimeout must be a positive whole number of seconds, got 0$/,
    ],
  ])('%s', (_what, build, message) => {
    expect(inFleet(build)).toThrow(message);
  });
});
