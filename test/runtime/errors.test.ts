import * as crypto from 'crypto';
import { DataOperation, ownerMarker } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, conn, data, expectNoSecret, failure, result, run, SCOPES, uniqueName } from './runtime-process';

/** Every error a person meets says what is wrong and what to do, on one line, without the credential. */
let emulator: Emulator;
const credential = canaryToken();
const env = { GITHUB_TOKEN: credential };
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const app = { appId: '4242', installationId: '777' };
const [enterprise, org, repo] = SCOPES;

beforeAll(async () => {
  emulator = await startEmulator({
    // Unknown names must answer 404 here, as on GitHub.
    createScopes: false,
    seed: {
      enterprises: ['octo-enterprise'],
      orgs: ['octo-org'],
      repos: ['octo-org/octo-repo'],
      apps: [
        {
          ...app,
          publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          permissions: { organization_self_hosted_runners: 'write', administration: 'write' },
        },
      ],
    },
  });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ALL_SCOPES });
});
afterAll(() => emulator?.close());

const orgQuery = () => ({ ...conn(emulator), ...org.query, operation: DataOperation.REGISTRATION_TOKEN });

describe('query validation', () => {
  test.each([
    [
      'unknown operation',
      { operation: 'mint-everything', org: 'octo-org' },
      /unknown operation "mint-everything": expected one of registration-token, remove-token, downloads, runners, jit-configs/,
    ],
    ['missing operation', { org: 'octo-org' }, /query has no "operation"/],
    ['missing scope', { operation: 'runners' }, /no scope: give exactly one of enterprise, org, owner \+ repository/],
    ['two scopes', { operation: 'runners', org: 'octo-org', enterprise: 'octo-enterprise' }, /two scopes given/],
    ['owner without repository', { operation: 'runners', owner: 'octo-org' }, /needs both owner and repository/],
    [
      'newer contract',
      { operation: 'runners', org: 'octo-org', contract_version: '2' },
      /contract version 2 but this runtime\.js speaks version 1: .*synth/,
    ],
    [
      'non-loopback http',
      { operation: 'runners', org: 'octo-org', api_url: 'http://github.example.com/api/v3' },
      /plain http.*use https:\/\//,
    ],
    [
      'bad platform',
      { operation: 'downloads', org: 'octo-org', platforms: 'linux/sparc' },
      /unknown runner architecture "sparc": use x64, arm, arm64/,
    ],
  ])('%s', async (_name, query, message) => {
    const r = await data(query as Record<string, string>, { env });
    expect(failure(r)).toMatch(message);
    expectNoSecret(r, credential);
  });

  test('not JSON on stdin', async () => {
    const r = await run(['data'], { stdin: 'operation=runners', env });
    expect(failure(r)).toMatch(/query on stdin is not JSON/);
  });

  test('a token in the query is refused and never echoed', async () => {
    const leaked = canaryToken('ghp_');
    const r = await data({ operation: 'runners', org: 'octo-org', api_url: emulator.url, name: leaked }, { env });
    expect(failure(r)).toMatch(/query key "name" holds what looks like a GitHub token: .*environment variable/);
    expectNoSecret(r, leaked, credential);
    const asEnvName = await data({ ...orgQuery(), credential_env: leaked }, { env });
    expect(failure(asEnvName)).toMatch(/looks like a GitHub token/);
    expectNoSecret(asEnvName, leaked);
  });

  test('a token in argv is refused and never echoed', async () => {
    const leaked = canaryToken('github_pat_');
    const r = await run(['runners', 'list', '--org', 'octo-org', '--api-url', emulator.url, '--token', leaked], { env });
    expect(failure(r)).toMatch(/looks like a GitHub token: .*environment variable/);
    expectNoSecret(r, leaked);
  });
});

describe('credentials', () => {
  test('none in the environment', async () => {
    const r = await data(orgQuery(), { env: {} });
    expect(failure(r)).toMatch(/no GitHub credential in the environment: set GITHUB_TOKEN \(or GH_TOKEN/);
  });

  test('credential_env names an unset variable', async () => {
    const r = await data({ ...orgQuery(), credential_env: 'RUNNER_ADMIN_TOKEN' }, { env });
    expect(failure(r)).toMatch(/RUNNER_ADMIN_TOKEN \(named by credential_env\) is not set/);
  });

  test('credential_env and GH_TOKEN are read', async () => {
    const named = await data({ ...orgQuery(), credential_env: 'RUNNER_ADMIN_TOKEN' }, { env: { RUNNER_ADMIN_TOKEN: credential } });
    expect(result(named).token).not.toBe('');
    const gh = await data(orgQuery(), { env: { GH_TOKEN: credential } });
    expect(result(gh).token).not.toBe('');
    expectNoSecret(named, credential);
    expectNoSecret(gh, credential);
  });

  test('401: invalid token names the variable', async () => {
    const unknown = canaryToken();
    const r = await data(orgQuery(), { env: { GITHUB_TOKEN: unknown } });
    expect(failure(r)).toMatch(
      /rejected the classic personal access token from GITHUB_TOKEN as invalid, expired or revoked \(401.*set GITHUB_TOKEN to a valid credential/,
    );
    expectNoSecret(r, unknown);
  });

  test('GitHub App: installation token minted, used, never printed', async () => {
    const pem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const appEnv = {
      GITHUB_APP_ID: app.appId,
      GITHUB_APP_INSTALLATION_ID: app.installationId,
      GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    };
    const r = await data(orgQuery(), { env: appEnv });
    expect(result(r).token).not.toBe('');
    expect(emulator.tokensIssued.some((t) => t.kind === 'installation')).toBe(true);
    expect(r.stderr).toMatch(/debug POST \/app\/installations\/777\/access_tokens 201/);
    expect(r.stderr).not.toMatch(/ghs_|BEGIN|eyJ/);
    for (const line of pem.split('\n').filter((l) => l.length > 40)) expectNoSecret(r, line);
  });

  test('GitHub App: wrong installation', async () => {
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await data(orgQuery(), { env: { GITHUB_APP_ID: app.appId, GITHUB_APP_INSTALLATION_ID: '999', GITHUB_APP_PRIVATE_KEY: pem } });
    expect(failure(r)).toMatch(/GitHub App 4242 .*installation 999/);
  });

  test('GitHub App: incomplete', async () => {
    const r = await data(orgQuery(), { env: { GITHUB_APP_ID: app.appId } });
    expect(failure(r)).toMatch(
      /GitHub App credential incomplete: set GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_PATH/,
    );
  });
});

describe('403', () => {
  test.each([
    ['enterprise', enterprise, /needs in enterprise "octo-enterprise".*"manage_runners:enterprise" or "admin:enterprise"/],
    ['org', org, /needs in organization "octo-org".*admin:org/],
    ['repo', repo, /needs in repository "octo-org\/octo-repo".*"repo" scope \("public_repo" for a public repository/],
  ])('classic token without the scope at %s scope', async (_name, scope, message) => {
    const weak = canaryToken();
    emulator.addToken({ token: weak, kind: 'classic', scopes: ['read:org'] });
    const r = await data({ ...conn(emulator), ...scope.query, operation: DataOperation.RUNNERS }, { env: { GITHUB_TOKEN: weak } });
    expect(failure(r)).toMatch(/^cdktf-github-runners: the classic personal access token from GITHUB_TOKEN lacks the permission GET/);
    expect(failure(r)).toMatch(message);
    expectNoSecret(r, weak);
  });

  test('fine-grained token without the permission names it', async () => {
    const fine = canaryToken('github_pat_');
    emulator.addToken({ token: fine, kind: 'fine-grained', permissions: { administration: 'read' } });
    const r = await data({ ...conn(emulator), ...org.query, operation: DataOperation.REGISTRATION_TOKEN }, { env: { GITHUB_TOKEN: fine } });
    expect(failure(r)).toMatch(/fine-grained personal access token from GITHUB_TOKEN lacks .*organization_self_hosted_runners/);
    const repoRead = await data(
      { ...conn(emulator), ...repo.query, operation: DataOperation.REGISTRATION_TOKEN },
      { env: { GITHUB_TOKEN: fine } },
    );
    expect(failure(repoRead)).toMatch(/Administration: read and write.*administration=write/);
    expectNoSecret(r, fine);
    expectNoSecret(repoRead, fine);
  });

  test('enterprise scope with a fine-grained token or an App: needs a classic PAT', async () => {
    const fine = canaryToken('github_pat_');
    emulator.addToken({
      token: fine,
      kind: 'fine-grained',
      permissions: { administration: 'write', organization_self_hosted_runners: 'write' },
    });
    const q = { ...conn(emulator), ...enterprise.query, operation: DataOperation.REGISTRATION_TOKEN };
    const r = await data(q, { env: { GITHUB_TOKEN: fine } });
    expect(failure(r)).toMatch(
      /enterprise runner endpoints accept only a classic personal access token with the "manage_runners:enterprise" or "admin:enterprise" scope/,
    );
    const pem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const a = await data(q, {
      env: { GITHUB_APP_ID: app.appId, GITHUB_APP_INSTALLATION_ID: app.installationId, GITHUB_APP_PRIVATE_KEY: pem },
    });
    expect(failure(a)).toMatch(
      /GitHub App 4242 \(installation 777\) was refused by enterprise "octo-enterprise".*classic personal access token/,
    );
    expectNoSecret(r, fine);
  });
});

describe('404, 409, 422', () => {
  test('404: unknown organization, enterprise, repository', async () => {
    for (const [query, label] of [
      [{ org: 'no-such-org' }, 'organization "no-such-org"'],
      [{ enterprise: 'no-such-ent' }, 'enterprise "no-such-ent"'],
      [{ owner: 'octo-org', repository: 'nope' }, 'repository "octo-org/nope"'],
    ] as const) {
      const r = await data({ ...conn(emulator), ...query, operation: DataOperation.RUNNERS }, { env });
      expect(failure(r)).toContain(`${label} not found, or not visible to the classic personal access token from GITHUB_TOKEN (404`);
      expectNoSecret(r, credential);
    }
  });

  test('404: unknown runner', async () => {
    const r = await run(['runners', 'get', '--id', '987654', ...org.flags, '--api-url', emulator.url], { env });
    expect(failure(r)).toMatch(/runner 987654 not found in organization "octo-org" \(404/);
    const byName = await run(['labels', 'list', '--name', 'ghost', ...org.flags, '--api-url', emulator.url], { env });
    expect(failure(byName)).toMatch(/runner "ghost" not found in organization "octo-org"/);
  });

  test('409: JIT runner name taken', async () => {
    const taken = emulator.createRunner(org.ref, { name: uniqueName('taken') });
    const r = await run(['jit', '--name', taken.name, '--label', 'x', ...org.flags, '--api-url', emulator.url], { env });
    expect(failure(r)).toMatch(new RegExp(`a runner named "${taken.name}" already exists in organization "octo-org" \\(409`));
    expectNoSecret(r, credential);
  });

  test('422: invalid JIT request', async () => {
    const labels = Array.from({ length: 101 }, (_, i) => `l${i}`).join(',');
    const r = await run(['jit', '--name', uniqueName('jit-bad'), '--label', labels, ...org.flags, '--api-url', emulator.url], { env });
    expect(failure(r)).toMatch(/GitHub refused the JIT configuration for runner .* \(422.*check its labels \(1 to 100\)/);
  });

  test('422: busy runner, by id', async () => {
    const busy = emulator.createRunner(org.ref, { name: uniqueName('busy'), status: 'online', busy: true });
    const r = await run(['runners', 'delete', '--id', String(busy.id), ...org.flags, '--api-url', emulator.url], { env });
    expect(failure(r)).toMatch(new RegExp(`runner ${busy.id} in organization "octo-org" is busy running a job \\(422`));
    expect(emulator.runners(org.ref).some((x) => x.id === busy.id)).toBe(true);
  });

  test('422: delete-runner retries a busy runner until the timeout, then says so', async () => {
    const busy = emulator.createRunner(org.ref, { name: uniqueName('busy'), status: 'online', busy: true, labels: [ownerMarker('i-1')] });
    const r = await run(
      [
        'delete-runner',
        ...org.flags,
        '--api-url',
        emulator.url,
        '--name',
        busy.name,
        '--identity',
        'i-1',
        '--busy-timeout',
        '1',
        '--interval',
        '0.2',
      ],
      { env },
    );
    expect(failure(r)).toMatch(
      new RegExp(
        `runner "${busy.name}" \\(id ${busy.id}\\) in organization "octo-org" is still busy running a job after 1 s, so it was not deleted`,
      ),
    );
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    // Retried, but no faster than one write per second (plugin-throttling, as GitHub asks).
    const deletes = emulator.requests.filter((q) => q.method === 'DELETE' && q.path.endsWith(`/runners/${busy.id}`));
    expect(deletes.length).toBeGreaterThanOrEqual(2);
  });

  test('422: delete-runner deletes the runner once its job ends', async () => {
    const busy = emulator.createRunner(org.ref, { name: uniqueName('busy'), status: 'online', busy: true });
    const pending = run(
      ['delete-runner', ...org.flags, '--api-url', emulator.url, '--id', String(busy.id), '--busy-timeout', '30', '--interval', '0.2'],
      { env },
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(emulator.runners(org.ref).some((x) => x.id === busy.id)).toBe(true);
    emulator.setRunnerState(busy.id, { busy: false });
    const r = await pending;
    expect(r.code).toBe(0);
    expect(emulator.runners(org.ref).some((x) => x.id === busy.id)).toBe(false);
    expectNoSecret(r, credential);
  });
});
