import { TerraformOutput } from 'cdktf';
import { EnterpriseRunnerToken, OrgRunnerToken, RepoRunnerToken, RunnerTokenKind } from '../../lib';
import { find, synthJson, synthText } from './synth';

describe('runner token constructs', () => {
  test.each([
    ['enterprise', (s: any) => new EnterpriseRunnerToken(s, 'T', { enterprise: 'octo-enterprise' }), { enterprise: 'octo-enterprise' }],
    ['org', (s: any) => new OrgRunnerToken(s, 'T', { org: 'octo-org' }), { org: 'octo-org' }],
    [
      'repo',
      (s: any) => new RepoRunnerToken(s, 'T', { owner: 'octo-org', repository: 'octo-repo' }),
      { owner: 'octo-org', repository: 'octo-repo' },
    ],
  ])('%s scope mints a registration token through the external data source', (_kind, make, scopeKeys) => {
    const text = synthText((s) => make(s));
    expect(text).toHaveDataSourceWithProperties(
      { tfResourceType: 'external' },
      {
        query: {
          operation: 'registration-token',
          contract_version: '1',
          api_url: 'https://api.github.com',
          credential_env: '',
          ...scopeKeys,
        },
      },
    );
    const ds = find(JSON.parse(text), 'data', 'external', 'T/Token');
    expect(ds.program[0]).toBe('node');
    expect(ds.program[1]).toMatch(/^assets\/.+\/runtime\.js$/);
    expect(ds.program[2]).toBe('data');
  });

  test('remove token through kind, connection props in the query', () => {
    const json = synthJson(
      (s) =>
        new OrgRunnerToken(s, 'T', {
          org: 'octo-org',
          kind: RunnerTokenKind.REMOVE,
          apiUrl: 'https://ghes.example.com/api/v3',
          credentialEnv: 'GHES_TOKEN',
        }),
    );
    const ds = find(json, 'data', 'external', 'T/Token');
    expect(ds.query).toMatchObject({ operation: 'remove-token', api_url: 'https://ghes.example.com/api/v3', credential_env: 'GHES_TOKEN' });
  });

  test('the token is wrapped in sensitive() and outputs of it can be marked sensitive', () => {
    const json = synthJson((s) => {
      const t = new OrgRunnerToken(s, 'T', { org: 'octo-org' });
      new TerraformOutput(s, 'token', { value: t.token, sensitive: true });
      new TerraformOutput(s, 'expires', { value: t.expiresAt });
    });
    expect(json.output.token.value).toMatch(/^\$\{sensitive\(data\.external\..+\.result\["token"\]\)\}$/);
    expect(json.output.expires.value).toMatch(/result\["expires_at"\]/);
  });

  test.each([
    [() => ({ org: 'bad org' }), /invalid organization name "bad org"/],
    [() => ({ org: '-octo' }), /invalid organization name/],
    [() => ({ org: 'octo-org', credentialEnv: 'ghp_' + 'x'.repeat(36) }), /credentialEnv looks like a credential/],
    [() => ({ org: 'octo-org', credentialEnv: 'MY-TOKEN' }), /invalid credentialEnv "MY-TOKEN"/],
    [() => ({ org: 'octo-org', apiUrl: 'http://ghes.example.com/api/v3' }), /plain http is allowed only for loopback/],
    [() => ({ org: 'octo-org', apiUrl: 'not a url' }), /invalid apiUrl/],
  ])('rejects bad input %#', (props, message) => {
    expect(() => synthJson((s) => new OrgRunnerToken(s, 'T', props() as any))).toThrow(message);
  });

  test('accepts loopback http and rejects bad enterprise and repository names', () => {
    expect(() => synthJson((s) => new OrgRunnerToken(s, 'T', { org: 'o', apiUrl: 'http://127.0.0.1:8080' }))).not.toThrow();
    expect(() => synthJson((s) => new EnterpriseRunnerToken(s, 'T', { enterprise: 'Octo_Enterprise' }))).toThrow(/invalid enterprise slug/);
    expect(() => synthJson((s) => new RepoRunnerToken(s, 'T', { owner: 'o', repository: 'a b' }))).toThrow(/invalid repository name "a b"/);
    expect(() => synthJson((s) => new RepoRunnerToken(s, 'T', { owner: 'o', repository: '..' }))).toThrow(/invalid repository name/);
  });
});
