import { App, TerraformStack, Testing } from 'cdktf';
import { EnterpriseRunner, OrgRunner, RepoRunner, RetiredRunner } from '../../lib';
import { synthJson } from './synth';

const RUNNERS = [
  ['enterprise', (s: any, p: any) => new EnterpriseRunner(s, 'Vm', { enterprise: 'octo-enterprise', ...p })],
  ['org', (s: any, p: any) => new OrgRunner(s, 'Vm', { org: 'octo-org', ...p })],
  ['repo', (s: any, p: any) => new RepoRunner(s, 'Vm', { owner: 'octo-org', repository: 'octo-repo', ...p })],
] as const;

const localExec = (json: any) => json.removed[1].provisioner[0]['local-exec'];

describe.each(RUNNERS)('retiring a runner of %s scope', (_kind, makeRunner) => {
  test.each([false, true])(
    "jit %s: removed blocks at the identity's and the credentials' addresses, running the same delete-runner command",
    (jit) => {
      const runner = synthJson((s) => makeRunner(s, { name: 'vm-1', jit, busyTimeout: 45 }));
      const [address] = Object.entries<any>(runner.resource.null_resource).find(([k]) => /^Vm_Identity_/.test(k))!;
      const [credsAddress] = Object.entries<any>(runner.resource.null_resource).find(([k]) => /^Vm_Credentials_/.test(k))!;
      const mine = Object.values<any>(runner.resource.null_resource)
        .flatMap((r) => r.provisioner ?? [])
        .find((p) => p['local-exec'].when === 'destroy')['local-exec'];
      const retired = synthJson((s) => new RetiredRunner(s, 'Vm', { busyTimeout: 45 }));
      expect(retired.resource?.null_resource).toBeUndefined();
      // Credentials first: Terraform destroys them before the identity they depend on.
      expect(retired.removed.map((r: any) => r.from)).toEqual([`null_resource.${credsAddress}`, `null_resource.${address}`]);
      for (const r of retired.removed) expect(r.lifecycle).toEqual({ destroy: true });
      const [byId, byName] = retired.removed.map((r: any) => r.provisioner[0]['local-exec']);
      for (const theirs of [byId, byName]) {
        expect(theirs.when).toBe('destroy');
        // Same program and subcommand; the scope, name, id and mode come from state.
        expect(theirs.command.split(' delete-runner ')[0]).toBe(mine.command.split(' delete-runner ')[0]);
      }
      const scope = {
        CGR_ENTERPRISE: '${lookup(self.triggers, "enterprise", "")}',
        CGR_ORG: '${lookup(self.triggers, "org", "")}',
        CGR_OWNER: '${lookup(self.triggers, "owner", "")}',
        CGR_REPOSITORY: '${lookup(self.triggers, "repository", "")}',
        CGR_BUSY_TIMEOUT: '45',
        CGR_CREDENTIAL_ENV: '${lookup(self.triggers, "credential_env", "")}',
      };
      expect(byId.environment).toEqual({
        ...scope,
        CGR_API_URL: '${lookup(self.triggers, "api_url", "")}',
        CGR_ID: '${lookup(self.triggers, "runner_id", "")}',
        CGR_OPTIONAL: 'true',
      });
      expect(byName.environment).toEqual({
        ...scope,
        CGR_API_URL: '${self.triggers.api_url}',
        CGR_NAME: '${self.triggers.name}',
        CGR_GENERATION: '${self.triggers.mode == "jit" ? self.id : ""}',
        CGR_IDENTITY: '${self.triggers.mode == "jit" ? "" : self.id}',
      });
    },
  );
});

test('several RetiredRunners give several removed blocks', () => {
  const json = synthJson((s) => {
    new RetiredRunner(s, 'A');
    new RetiredRunner(s, 'B');
  });
  expect(json.removed.map((r: any) => r.from)).toEqual([
    expect.stringMatching(/^null_resource\.A_Credentials_/),
    expect.stringMatching(/^null_resource\.A_Identity_/),
    expect.stringMatching(/^null_resource\.B_Credentials_/),
    expect.stringMatching(/^null_resource\.B_Identity_/),
  ]);
});

test('a credential variable name travels as a literal', () => {
  expect(
    localExec(synthJson((s) => new RetiredRunner(s, 'A', { credentialEnv: 'RUNNER_ADMIN_TOKEN' }))).environment.CGR_CREDENTIAL_ENV,
  ).toBe('RUNNER_ADMIN_TOKEN');
});

test('HCL synthesis is refused with one line instead of dropping the removed block', () => {
  // cdktf reads SYNTH_HCL_OUTPUT when a stack is created (App's hclOutput does not reach stacks).
  process.env.SYNTH_HCL_OUTPUT = 'true';
  let app: App;
  try {
    app = new App({ outdir: Testing.app().outdir });
    new RetiredRunner(new TerraformStack(app, 's'), 'A');
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
  expect(() => app.synth()).toThrow("RetiredRunner needs JSON synthesis: cdktf's HCL output has no removed blocks; turn hclOutput off");
});

test.each([
  [{ busyTimeout: 0 }, /busyTimeout/],
  [{ credentialEnv: 'ghp_0123456789abcdef0123456789abcdef0123' }, /credentialEnv looks like a credential/],
  [{ credentialEnv: 'not a name' }, /invalid credentialEnv "not a name"/],
])('bad props %j: one-line error', (props, message) => {
  expect(() => synthJson((s) => new RetiredRunner(s, 'A', props))).toThrow(message);
});
