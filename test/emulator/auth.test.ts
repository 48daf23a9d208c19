import * as crypto from 'crypto';
import { Emulator, startEmulator } from '../../lib/emulator';
import { call, fakeToken, SCOPES } from './support/github';

/** Credentials, permissions, 404s, the primary rate limit and the request log. */

const repo = SCOPES.find((s) => s.kind === 'repo')!;
const org = SCOPES.find((s) => s.kind === 'org')!;
const ent = SCOPES.find((s) => s.kind === 'enterprise')!;

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const APP_ID = '1234';
const INSTALLATION_ID = '5678';

function jwt(claims: Record<string, unknown>, key: crypto.KeyObject = privateKey): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${crypto.sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

function appJwt(emu: Emulator, over: Record<string, unknown> = {}, key?: crypto.KeyObject): string {
  const now = Math.floor(emu.clock.now() / 1000);
  return jwt({ iat: now - 30, exp: now + 540, iss: APP_ID, ...over }, key);
}

const classic = {
  all: fakeToken(),
  repoOnly: fakeToken(),
  orgOnly: fakeToken(),
  entManage: fakeToken(),
  entAdmin: fakeToken(),
};
const fine = {
  repoRead: fakeToken('github_pat_'),
  repoWrite: fakeToken('github_pat_'),
  orgWrite: fakeToken('github_pat_'),
  everything: fakeToken('github_pat_'),
};

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    createScopes: false,
    seed: {
      tokens: [
        { token: classic.all, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] },
        { token: classic.repoOnly, kind: 'classic', scopes: ['repo'] },
        { token: classic.orgOnly, kind: 'classic', scopes: ['admin:org'] },
        { token: classic.entManage, kind: 'classic', scopes: ['manage_runners:enterprise'] },
        { token: classic.entAdmin, kind: 'classic', scopes: ['admin:enterprise'] },
        { token: fine.repoRead, kind: 'fine-grained', permissions: { administration: 'read' } },
        { token: fine.repoWrite, kind: 'fine-grained', permissions: { administration: 'write' } },
        { token: fine.orgWrite, kind: 'fine-grained', permissions: { organization_self_hosted_runners: 'write' } },
        {
          token: fine.everything,
          kind: 'fine-grained',
          permissions: { administration: 'write', organization_self_hosted_runners: 'write', enterprise_administration: 'write' },
        },
      ],
      apps: [
        {
          appId: APP_ID,
          installationId: INSTALLATION_ID,
          publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          permissions: { administration: 'write', organization_self_hosted_runners: 'write', metadata: 'read' },
        },
      ],
    },
  });
});
afterAll(() => emu.close());

describe('authentication', () => {
  test('missing, unknown and malformed credentials get 401 Bad credentials at every scope and prefix', async () => {
    for (const s of SCOPES) {
      for (const api of ['', '/api/v3']) {
        for (const auth of [undefined, `token ${fakeToken()}`, `Bearer ${fakeToken()}`, 'Basic dXNlcjpwYXNz']) {
          const a = await call(emu, 'GET', `${api}${s.prefix}/actions/runners`, { auth });
          expect(a.status).toBe(401);
          expect(a.body).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
          expect(a.headers.get('x-ratelimit-limit')).toBe('60');
        }
      }
    }
  });

  test('token and Bearer schemes both work', async () => {
    expect((await call(emu, 'GET', `${org.prefix}/actions/runners`, { auth: `token ${classic.all}` })).status).toBe(200);
    expect((await call(emu, 'GET', `${org.prefix}/actions/runners`, { auth: `Bearer ${classic.all}` })).status).toBe(200);
  });

  test('every answer carries rate-limit headers, a request id, X-OAuth-Scopes and X-Accepted-OAuth-Scopes', async () => {
    const expected = { repo: 'repo', org: 'admin:org', enterprise: 'manage_runners:enterprise, admin:enterprise' };
    for (const s of SCOPES) {
      for (const [path, method] of [
        [`${s.prefix}/actions/runners`, 'GET'],
        [`${s.prefix}/actions/runners/4242`, 'GET'],
        [`${s.prefix}/actions/runners/registration-token`, 'POST'],
      ]) {
        const a = await call(emu, method, path, { token: classic.all });
        for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used'])
          expect(a.headers.get(h)).toMatch(/^\d+$/);
        expect(a.headers.get('x-ratelimit-resource')).toBe('core');
        expect(a.headers.get('x-github-request-id')).toMatch(/^[0-9A-F:]+$/);
        expect(a.headers.get('x-oauth-scopes')).toBe('repo, admin:org, manage_runners:enterprise');
        expect(a.headers.get('x-accepted-oauth-scopes')).toBe(expected[s.kind]);
      }
    }
    const ghes = await call(emu, 'GET', `/api/v3${org.prefix}/actions/runners`, { token: classic.all });
    expect(ghes.headers.get('x-github-enterprise-version')).toMatch(/^3\.19/);
  });
});

describe('classic PAT scopes', () => {
  test.each([
    ['repo scope', repo, classic.repoOnly, 200],
    ['repo scope without repo', repo, classic.orgOnly, 403],
    ['org scope', org, classic.orgOnly, 200],
    ['org scope without admin:org', org, classic.repoOnly, 403],
    ['enterprise with manage_runners:enterprise', ent, classic.entManage, 200],
    ['enterprise with admin:enterprise', ent, classic.entAdmin, 200],
    ['enterprise with admin:org only', ent, classic.orgOnly, 403],
  ])('%s', async (_n, s, token, status) => {
    const a = await call(emu, 'GET', `${s.prefix}/actions/runners`, { token });
    expect(a.status).toBe(status);
    if (status === 403) {
      expect(a.body.message).toMatch(/\S/);
      expect(a.headers.get('x-accepted-oauth-scopes')).toBeTruthy();
    }
  });
});

describe('fine-grained PATs and app installation tokens', () => {
  test('repository: administration read lists, write is needed to mint', async () => {
    expect((await call(emu, 'GET', `${repo.prefix}/actions/runners`, { token: fine.repoRead })).status).toBe(200);
    const denied = await call(emu, 'POST', `${repo.prefix}/actions/runners/registration-token`, { token: fine.repoRead });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('Resource not accessible by personal access token');
    expect(denied.headers.get('x-accepted-github-permissions')).toBe('administration=write');
    expect((await call(emu, 'POST', `${repo.prefix}/actions/runners/registration-token`, { token: fine.repoWrite })).status).toBe(201);
    const readOnly = await call(emu, 'GET', `${repo.prefix}/actions/runners`, { token: fine.orgWrite });
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers.get('x-accepted-github-permissions')).toBe('administration=read');
  });

  test('organization: organization_self_hosted_runners', async () => {
    expect((await call(emu, 'POST', `${org.prefix}/actions/runners/registration-token`, { token: fine.orgWrite })).status).toBe(201);
    const denied = await call(emu, 'POST', `${org.prefix}/actions/runners/registration-token`, { token: fine.repoWrite });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-accepted-github-permissions')).toBe('organization_self_hosted_runners=write');
  });

  test('enterprise endpoints refuse fine-grained PATs whatever their permissions', async () => {
    for (const path of ['/actions/runners', '/actions/runners/downloads', '/actions/runner-groups']) {
      const a = await call(emu, 'GET', `${ent.prefix}${path}`, { token: fine.everything });
      expect(a.status).toBe(403);
      expect(a.body.message).toBe('Resource not accessible by personal access token');
    }
  });
});

describe('GitHub App', () => {
  async function installationToken(): Promise<string> {
    const a = await call(emu, 'POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, { auth: `Bearer ${appJwt(emu)}` });
    expect(a.status).toBe(201);
    return a.body.token;
  }

  test('a signed JWT gets an installation token carrying the app permissions', async () => {
    const a = await call(emu, 'POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, { auth: `Bearer ${appJwt(emu)}` });
    expect(a.status).toBe(201);
    expect(a.body.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(a.body.permissions).toEqual({ administration: 'write', organization_self_hosted_runners: 'write', metadata: 'read' });
    expect(Date.parse(a.body.expires_at) - emu.clock.now()).toBeGreaterThan(3590_000);
    const ghes = await call(emu, 'POST', `/api/v3/app/installations/${INSTALLATION_ID}/access_tokens`, {
      auth: `Bearer ${appJwt(emu)}`,
      body: { permissions: { administration: 'read' } },
    });
    expect(ghes.status).toBe(201);
    expect(ghes.body.permissions).toEqual({ administration: 'read' });
    expect(emu.tokensIssued.filter((t) => t.kind === 'installation').length).toBeGreaterThanOrEqual(2);
  });

  test('installation tokens work at repo and org scope, are refused at enterprise scope, and expire after an hour', async () => {
    const token = await installationToken();
    expect((await call(emu, 'POST', `${repo.prefix}/actions/runners/registration-token`, { token })).status).toBe(201);
    expect(
      (
        await call(emu, 'POST', `${org.prefix}/actions/runners/generate-jitconfig`, {
          token,
          body: { name: 'app-jit', runner_group_id: 1, labels: ['a'] },
        })
      ).status,
    ).toBe(201);
    const refused = await call(emu, 'GET', `${ent.prefix}/actions/runners`, { token });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('Resource not accessible by integration');
    const limited = await call(emu, 'POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, {
      auth: `Bearer ${appJwt(emu)}`,
      body: { permissions: { administration: 'read' } },
    });
    const denied = await call(emu, 'POST', `${repo.prefix}/actions/runners/registration-token`, { token: limited.body.token });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-accepted-github-permissions')).toBe('administration=write');

    emu.clock.advance(3601);
    expect((await call(emu, 'GET', `${repo.prefix}/actions/runners`, { token })).status).toBe(401);
  });

  test('JWT errors use GitHub messages and the emulator clock (Date header) for skew', async () => {
    const path = `/app/installations/${INSTALLATION_ID}/access_tokens`;
    const now = Math.floor(emu.clock.now() / 1000);
    const cases: [string, string, RegExp][] = [
      ['expired', appJwt(emu, { iat: now - 700, exp: now - 100 }), /'Expiration time' claim \('exp'\) must be a numeric value/],
      ['issued in the future', appJwt(emu, { iat: now + 300, exp: now + 600 }), /'Issued at' claim \('iat'\) must be an Integer/],
      ['too long', appJwt(emu, { exp: now + 3600 }), /is too far in the future/],
      ['wrong key', appJwt(emu, {}, otherKey), /could not be decoded/],
      ['unknown app', appJwt(emu, { iss: '999' }), /Integration not found/],
    ];
    for (const [, token, message] of cases) {
      const a = await call(emu, 'POST', path, { auth: `Bearer ${token}` });
      expect(a.status).toBe(401);
      expect(a.body.message).toMatch(message);
      expect(Math.abs(Date.parse(a.headers.get('date')!) - emu.clock.now())).toBeLessThan(2000);
    }
    expect((await call(emu, 'POST', path, { token: classic.all })).status).toBe(401);
    expect((await call(emu, 'POST', '/app/installations/1/access_tokens', { auth: `Bearer ${appJwt(emu)}` })).status).toBe(404);
    const tooMuch = await call(emu, 'POST', path, {
      auth: `Bearer ${appJwt(emu)}`,
      body: { permissions: { administration: 'write', contents: 'write' } },
    });
    expect(tooMuch.status).toBe(422);
    const onRunners = await call(emu, 'GET', `${org.prefix}/actions/runners`, { auth: `Bearer ${appJwt(emu)}` });
    expect(onRunners.status).toBe(403);
  });
});

describe('404s', () => {
  test('unknown enterprise, org, repo, runner and route', async () => {
    for (const path of [
      '/enterprises/nope/actions/runners',
      '/orgs/nope/actions/runners/registration-token',
      '/repos/octo-org/nope/actions/runners/downloads',
      '/repos/nope/octo-repo/actions/runners',
      `${org.prefix}/actions/runners/123456`,
      `${org.prefix}/actions/runners/not-a-number`,
      `${org.prefix}/actions/nothing-here`,
      '/api/v3/orgs/nope/actions/runners',
    ]) {
      const method = path.endsWith('registration-token') ? 'POST' : 'GET';
      const a = await call(emu, method, path, { token: classic.all });
      expect(a.status).toBe(404);
      expect(a.body).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
  });

  test('scopes added after start are served', async () => {
    expect((await call(emu, 'GET', '/orgs/later-org/actions/runners', { token: classic.all })).status).toBe(404);
    emu.addScope('org:later-org');
    expect((await call(emu, 'GET', '/orgs/later-org/actions/runners', { token: classic.all })).status).toBe(200);
  });
});

describe('primary rate limit', () => {
  test('per credential and hour on the emulator clock; exhausted answers 403 with remaining 0', async () => {
    const a = fakeToken();
    const b = fakeToken();
    const limited = await startEmulator({
      seed: {
        rateLimit: 3,
        tokens: [
          { token: a, kind: 'classic', scopes: ['admin:org'] },
          { token: b, kind: 'classic', scopes: ['admin:org'] },
        ],
      },
    });
    try {
      const path = `${org.prefix}/actions/runners`;
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(limited, 'GET', path, { token: a });
        expect(r.status).toBe(200);
        remaining.push(r.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const over = await call(limited, 'GET', path, { token: a });
      expect(over.status).toBe(403);
      expect(over.body.message).toMatch(/^API rate limit exceeded for user ID \d+\.$/);
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(over.headers.get('x-ratelimit-used')).toBe('3');
      const reset = Number(over.headers.get('x-ratelimit-reset'));
      expect(reset * 1000).toBeGreaterThan(limited.clock.now() + 3500_000);
      expect((await call(limited, 'GET', path, { token: b })).status).toBe(200);

      limited.clock.advance(3600);
      const after = await call(limited, 'GET', path, { token: a });
      expect(after.status).toBe(200);
      expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
      const status = await call(limited, 'GET', '/rate_limit', { token: a });
      expect(status.body.rate).toMatchObject({ limit: 3, remaining: 2, used: 1 });
    } finally {
      await limited.close();
    }
  });
});

describe('request log', () => {
  test('records method, path, query, status and credential kind, never a credential or token value', async () => {
    const canary = fakeToken();
    const unknownCanary = fakeToken('github_pat_');
    emu.addToken({ token: canary, kind: 'classic', scopes: ['admin:org', 'repo'] });
    emu.clearRequests();
    const minted = await call(emu, 'POST', `${org.prefix}/actions/runners/registration-token`, { token: canary });
    await call(emu, 'GET', `${org.prefix}/actions/runners?name=x&access_token=${canary}`, { token: canary });
    await call(emu, 'GET', `${org.prefix}/actions/runners`, { auth: `Bearer ${unknownCanary}` });
    await call(emu, 'GET', `${org.prefix}/actions/runners`);
    const inst = await call(emu, 'POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, { auth: `Bearer ${appJwt(emu)}` });
    await call(emu, 'GET', `${org.prefix}/actions/runners`, { token: inst.body.token });

    expect(emu.requests.map((r) => [r.method, r.path, r.status, r.credential])).toEqual([
      ['POST', `${org.prefix}/actions/runners/registration-token`, 201, 'classic'],
      ['GET', `${org.prefix}/actions/runners`, 200, 'classic'],
      ['GET', `${org.prefix}/actions/runners`, 401, 'unknown'],
      ['GET', `${org.prefix}/actions/runners`, 401, 'none'],
      ['POST', `/app/installations/${INSTALLATION_ID}/access_tokens`, 201, 'jwt'],
      ['GET', `${org.prefix}/actions/runners`, 200, 'app'],
    ]);
    expect(emu.requests[1].query).toBe('name=x&access_token=REDACTED');
    expect(emu.requests.every((r) => Math.abs(r.at - emu.clock.now()) < 60_000)).toBe(true);
    const logged =
      JSON.stringify(emu.requests) +
      (await (await fetch(`${emu.url}/_emulator/requests`, { headers: { authorization: `Bearer ${emu.adminToken}` } })).text());
    for (const secret of [canary, unknownCanary, minted.body.token, inst.body.token]) expect(logged).not.toContain(secret);
  });
});
