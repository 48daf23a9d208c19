import { RunnerScope } from '../../lib';

// The jsii-friendly scope value the protected constructors of RunnerBase and RunnerTokenBase take.
describe('RunnerScope', () => {
  test('the static factories build the three scopes', () => {
    expect(RunnerScope.enterprise('octo-enterprise')._ref).toEqual({ kind: 'enterprise', enterprise: 'octo-enterprise' });
    expect(RunnerScope.organization('octo-org')._ref).toEqual({ kind: 'org', org: 'octo-org' });
    expect(RunnerScope.repository('octo-org', 'octo-repo')._ref).toEqual({ kind: 'repo', owner: 'octo-org', repository: 'octo-repo' });
  });

  test('bad names are refused at synth time with one line saying what to do', () => {
    expect(() => RunnerScope.organization('-bad-')).toThrow(/^invalid organization name "-bad-": GitHub names have/);
    expect(() => RunnerScope.repository('octo-org', '..')).toThrow(/^invalid repository name "\.\.": use 1 to 100/);
  });
});
