import { EnterpriseRunner, OrgRunner, RepoRunner, RetiredRunner } from '../../lib';
import { find, synthJson } from './synth';

const SCOPES = [
  ['enterprise', { enterprise: 'octo-enterprise' }, (s: any, p: any) => new EnterpriseRunner(s, 'Vm', { enterprise: 'octo-enterprise', ...p })],
  ['org', { org: 'octo-org' }, (s: any, p: any) => new OrgRunner(s, 'Vm', { org: 'octo-org', ...p })],
  ['repo', { owner: 'octo-org', repository: 'octo-repo' }, (s: any, p: any) => new RepoRunner(s, 'Vm', { owner: 'octo-org', repository: 'octo-repo', ...p })],
] as const;

describe.each(SCOPES)('RetiredRunner at %s scope', (_kind, scopeProps, makeRunner) => {
  test.each([false, true])('jit %s: a removed block for the runner identity, with the runner\'s own deletion provisioner', (jit) => {
    const runner = synthJson((s) => makeRunner(s, { name: 'vm-1', jit, busyTimeout: 45 }));
    const [address] = Object.entries<any>(runner.resource.null_resource).find(([k]) => /^Vm_Identity_/.test(k))!;
    const identity = find(runner, 'resource', 'null_resource', 'Vm/Identity');

    const retired = synthJson((s) => new RetiredRunner(s, 'Vm', { ...scopeProps, jit, busyTimeout: 45 }));
    expect(retired.resource?.null_resource).toBeUndefined();
    expect(retired.removed).toEqual([{
      from: `null_resource.${address}`,
      lifecycle: { destroy: true },
      provisioner: identity.provisioner,
    }]);
    expect(retired.removed[0].provisioner[0]['local-exec'].environment.CGR_GENERATION).toBe(jit ? '${self.id}' : undefined);
  });
});

test('several RetiredRunners give several removed blocks', () => {
  const json = synthJson((s) => {
    new RetiredRunner(s, 'A', { org: 'octo-org' });
    new RetiredRunner(s, 'B', { owner: 'octo-org', repository: 'octo-repo', jit: true });
  });
  expect(json.removed.map((r: any) => r.from)).toEqual([expect.stringMatching(/^null_resource\.A_Identity_/), expect.stringMatching(/^null_resource\.B_Identity_/)]);
});

test('a credential variable name travels as a literal', () => {
  const json = synthJson((s) => new RetiredRunner(s, 'A', { org: 'octo-org', credentialEnv: 'RUNNER_ADMIN_TOKEN' }));
  expect(json.removed[0].provisioner[0]['local-exec'].environment.CGR_CREDENTIAL_ENV).toBe('RUNNER_ADMIN_TOKEN');
});

test.each([
  [{}, 'RetiredRunner needs exactly one scope: set enterprise, or org, or owner and repository'],
  [{ org: 'octo-org', enterprise: 'e' }, 'RetiredRunner needs exactly one scope: set enterprise, or org, or owner and repository'],
  [{ owner: 'octo-org' }, 'RetiredRunner repository scope needs both owner and repository'],
  [{ org: 'bad org' }, /organization/],
  [{ org: 'octo-org', busyTimeout: 0 }, /busyTimeout/],
])('bad props %j: one-line error', (props, message) => {
  expect(() => synthJson((s) => new RetiredRunner(s, 'A', props as any))).toThrow(message);
});
