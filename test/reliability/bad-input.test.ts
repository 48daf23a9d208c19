import { TerraformStack, Testing } from 'cdktf';
import {
  EnterpriseRunner,
  EnterpriseRunnerToken,
  OrgRunner,
  OrgRunnerToken,
  RepoRunner,
  RepoRunnerToken,
  RunnerDownload,
  Runners,
} from '../../lib';
import { Emulator, startEmulator } from '../../lib/emulator';
import { engines } from '../terraform/harness';
import { Workspace, canaryCredential, synthStack, testApp } from '../e2e/support';
import { thrown } from './diagnostics';

/**
 * Rows B1-B12 of test/reliability/matrix.json ("input"): bad input fails early, on one line that
 * names the bad value and says what to do. B1-B5 at synth time (the construct throws), B6-B12
 * at plan time (a real Terraform runs the synthesized stack against the emulator).
 */

// ---------------------------------------------------------------- synth time (B1-B5)

/** One line, naming `value`, matching `says` (the rule and what to do). */
function expectOneLine(message: string, value: string, says: RegExp): void {
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.length).toBeLessThan(300);
  expect(message).toContain(value);
  expect(message).toMatch(says);
}

const ORG = 'octo-org';
const LOCAL = 'http://127.0.0.1:1';

type Build = (s: TerraformStack) => unknown;

const NAME_RULE = /: use 1 to 64 letters, digits, '\.', '-' or '_'$/;
const BAD_NAMES: [string, string, (s: TerraformStack, name: string) => unknown][] = [
  ['a space', 'build runner', (s, name) => new OrgRunner(s, 'R', { org: ORG, apiUrl: LOCAL, name })],
  ['65 characters', 'r'.repeat(65), (s, name) => new RepoRunner(s, 'R', { owner: ORG, repository: 'octo-repo', apiUrl: LOCAL, name })],
  ['a slash', 'team/build', (s, name) => new EnterpriseRunner(s, 'R', { enterprise: 'octo-enterprise', apiUrl: LOCAL, name })],
  ['nothing in it (JIT)', '', (s, name) => new OrgRunner(s, 'R', { org: ORG, apiUrl: LOCAL, name, jit: true })],
  ['a space, as a Runners filter', 'my runner', (s, name) => new Runners(s, 'R', { org: ORG, apiUrl: LOCAL, name })],
];

const LOGIN_RULE = /: GitHub names have 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen$/;
const REPOSITORY_RULE = /: use 1 to 100 letters, digits, '\.', '-' or '_'$/;
const BAD_SCOPES: [string, string, Build, RegExp][] = [
  ['organization name', 'octo org', (s) => new OrgRunner(s, 'R', { org: 'octo org', apiUrl: LOCAL, name: 'r' }), LOGIN_RULE],
  ['organization name', '-octo', (s) => new OrgRunnerToken(s, 'T', { org: '-octo', apiUrl: LOCAL }), LOGIN_RULE],
  [
    'organization name',
    'o'.repeat(40),
    (s) => new RunnerDownload(s, 'D', { org: 'o'.repeat(40), apiUrl: LOCAL, os: 'linux', architecture: 'x64' }),
    LOGIN_RULE,
  ],
  [
    'owner name',
    'octo--org',
    (s) => new RepoRunner(s, 'R', { owner: 'octo--org', repository: 'octo-repo', apiUrl: LOCAL, name: 'r' }),
    LOGIN_RULE,
  ],
  [
    'repository name',
    'octo repo',
    (s) => new RepoRunnerToken(s, 'T', { owner: ORG, repository: 'octo repo', apiUrl: LOCAL }),
    REPOSITORY_RULE,
  ],
  ['repository name', '..', (s) => new Runners(s, 'L', { owner: ORG, repository: '..', apiUrl: LOCAL }), REPOSITORY_RULE],
  [
    'enterprise slug',
    'Octo_Enterprise',
    (s) => new EnterpriseRunnerToken(s, 'T', { enterprise: 'Octo_Enterprise', apiUrl: LOCAL }),
    /: use the lowercase slug from the enterprise URL \(letters, digits, single hyphens\) or the enterprise.s numeric id$/,
  ],
];

const BAD_PLATFORMS: [string, { os: string; architecture: string }, string, RegExp][] = [
  ['operating system', { os: 'beos', architecture: 'x64' }, 'beos', /: use one of linux, osx, win \(or macos, darwin, mac, windows\)$/],
  [
    'architecture',
    { os: 'linux', architecture: 'sparc' },
    'sparc',
    /: use one of x64, arm, arm64 \(or amd64, x86_64, armv7, armhf, aarch64\)$/,
  ],
];

const BAD_LABELS: [string, string[], string, RegExp][] = [
  ['101 labels', Array.from({ length: 101 }, (_, i) => `l${i}`), 'got 101', /^bad-input\/R: labels must hold 1 to 100 labels, got 101$/],
  ['no labels', [], 'got 0', /^bad-input\/R: labels must hold 1 to 100 labels, got 0$/],
  ['an empty label', ['gpu', ''], 'invalid label ""', /: labels have 1 to 100 characters, start with a letter or digit/],
];

const PLAIN_HTTP = 'http://github.example.com/api/v3';
const PLAIN_HTTP_USERS: [string, Build][] = [
  ['OrgRunner', (s) => new OrgRunner(s, 'R', { org: ORG, apiUrl: PLAIN_HTTP, name: 'r' })],
  ['OrgRunnerToken', (s) => new OrgRunnerToken(s, 'T', { org: ORG, apiUrl: PLAIN_HTTP })],
  ['RunnerDownload', (s) => new RunnerDownload(s, 'D', { org: ORG, apiUrl: PLAIN_HTTP, os: 'linux', architecture: 'x64' })],
  ['Runners', (s) => new Runners(s, 'L', { org: ORG, apiUrl: PLAIN_HTTP })],
];

describe('synth time', () => {
  test.each(BAD_NAMES)('B1: a runner name with %s is refused with the allowed characters', (_what, name, build) => {
    expectOneLine(
      thrown((s) => build(s, name)),
      `invalid runner name "${name}"`,
      NAME_RULE,
    );
  });

  test('B1: a JIT runner name too long for the generation suffix is refused with the limit', () => {
    const name = 'j'.repeat(56);
    expectOneLine(
      thrown((s) => new OrgRunner(s, 'R', { org: ORG, apiUrl: LOCAL, name, jit: true })),
      `"${name}"`,
      /too long for a jit runner: use at most 55 characters \(a 9-character generation suffix is appended\)$/,
    );
  });

  test.each(BAD_SCOPES)('B2: an invalid %s "%s" is refused with the rule', (what, value, build, rule) => {
    expectOneLine(thrown(build), `invalid ${what} "${value}"`, rule);
  });

  test.each(BAD_PLATFORMS)('B3: an unknown %s lists the accepted names', (what, platform, value, accepted) => {
    expectOneLine(
      thrown((s) => new RunnerDownload(s, 'D', { org: ORG, apiUrl: LOCAL, ...platform })),
      `unknown ${what} "${value}"`,
      accepted,
    );
  });

  test.each(BAD_LABELS)('B4: %s on a runner gives the limit', (_what, labels, value, limit) => {
    expectOneLine(
      thrown((s) => new OrgRunner(s, 'R', { org: ORG, apiUrl: LOCAL, name: 'r', labels })),
      value,
      limit,
    );
  });

  test('B4: 101 labels in a Runners filter gives the limit', () => {
    const labels = Array.from({ length: 101 }, (_, i) => `l${i}`);
    expectOneLine(
      thrown((s) => new Runners(s, 'L', { org: ORG, apiUrl: LOCAL, labels })),
      'got 101',
      /^bad-input\/L: labels filter must hold 1 to 100 labels/,
    );
  });

  test.each(PLAIN_HTTP_USERS)('B5: %s with apiUrl on plain http to a non-loopback host asks for https', (_construct, build) => {
    expectOneLine(
      thrown(build),
      `apiUrl "${PLAIN_HTTP}"`,
      /is not https: use an https:\/\/ URL; plain http is allowed only for loopback addresses/,
    );
  });

  test('B5: plain http to a loopback host (the emulator) is accepted', () => {
    const stack = new TerraformStack(Testing.app(), 'loopback');
    expect(() => new OrgRunnerToken(stack, 'T', { org: ORG, apiUrl: 'http://127.0.0.1:8080' })).not.toThrow();
  });
});

// ---------------------------------------------------------------- plan time (B6-B12)

describe('plan time, with a real Terraform against the emulator', () => {
  const engine = engines()[0];
  const app = testApp({ organization_self_hosted_runners: 'write', administration: 'write' });
  const credential = canaryCredential();
  const narrow = canaryCredential();
  let emulator: Emulator;
  let ws: Workspace;
  const targets: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startEmulator({
      createScopes: false,
      seed: {
        apps: [app.seed],
      },
    });
    emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
    emulator.addToken({ token: narrow, kind: 'classic', scopes: ['repo'] });
    const apiUrl = emulator.url;
    // One stack for every row; each plan targets the one data source its row is about.
    const dir = synthStack((s) => {
      const address = (c: { dataSource: { friendlyUniqueId: string } }) => `data.external.${c.dataSource.friendlyUniqueId}`;
      targets.org = address(new OrgRunnerToken(s, 'OrgToken', { org: ORG, apiUrl }));
      targets.enterprise = address(new EnterpriseRunnerToken(s, 'EnterpriseToken', { enterprise: 'octo-enterprise', apiUrl }));
      targets.missing = address(new OrgRunnerToken(s, 'MissingOrgToken', { org: 'no-such-org', apiUrl }));
      targets.osxArm = address(new RunnerDownload(s, 'OsxArm', { org: ORG, apiUrl, os: 'osx', architecture: 'arm' }));
      new EnterpriseRunner(s, 'EnterpriseRunner', { enterprise: 'octo-enterprise', apiUrl, name: 'ent-app' });
    });
    ws = await Workspace.init(engine, dir, credential);
  });
  afterAll(() => emulator?.close());

  const noToken = { GITHUB_TOKEN: '', GH_TOKEN: '' };
  const appEnv = () => app.env;

  /**
   * `terraform plan -target=...`: it must fail, and the external data source's "Error Message"
   * must be exactly one line of the runtime (whitespace normalized: Terraform wraps long lines).
   */
  async function planFails(target: string, env: NodeJS.ProcessEnv): Promise<{ message: string; all: string }> {
    const r = await ws.run(['plan', '-input=false', '-no-color', '-lock=false', `-target=${target}`], env);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.code).toBe(1);
    const m = /Error Message:([\s\S]*?)\n\s*State: exit status 1/.exec(r.stderr);
    if (!m) throw new Error(`no runtime error message in:\n${all}`);
    const message = m[1].replace(/\s+/g, ' ').trim();
    expect(message.startsWith('cdktf-github-runners: ')).toBe(true);
    expect(message.split('cdktf-github-runners:')).toHaveLength(2);
    expect(message).not.toMatch(/internal error|\bat .*\.js:\d+/);
    expect(all).not.toContain(credential);
    return { message: message.slice('cdktf-github-runners: '.length), all };
  }

  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  test('B6: no credential in the environment names GITHUB_TOKEN, GH_TOKEN and the GitHub App variables', async () => {
    const { message } = await planFails(targets.org, noToken);
    expect(message).toBe(
      'no GitHub credential in the environment: set GITHUB_TOKEN (or GH_TOKEN, or the variable named by credential_env) to a token, ' +
        'or GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_PATH) for a GitHub App',
    );
  });

  test('B7: an invalid credential (401) is reported as refused, without echoing it', async () => {
    const invalid = canaryCredential();
    const { message, all } = await planFails(targets.org, { GITHUB_TOKEN: invalid });
    expect(message).toBe(
      'GitHub rejected the classic personal access token from GITHUB_TOKEN as invalid, expired or revoked ' +
        '(401 "Bad credentials" on POST /orgs/octo-org/actions/runners/registration-token): set GITHUB_TOKEN to a valid credential',
    );
    expect(all).not.toContain(invalid);
  });

  test('B8: a classic PAT without admin:org (403) names the missing scope', async () => {
    const { message, all } = await planFails(targets.org, { GITHUB_TOKEN: narrow });
    expect(message).toMatch(
      new RegExp(
        '^the classic personal access token from GITHUB_TOKEN lacks the permission POST /orgs/octo-org/actions/runners/registration-token ' +
          'needs in organization "octo-org" \\(403 "You must be an org admin or have the admin:org scope to use this endpoint\\."\\): ' +
          `${escape('grant the token the "admin:org" scope (GitHub says accepted scopes: admin:org)')}$`,
      ),
    );
    expect(all).not.toContain(narrow);
  });

  test('B9: a GitHub App at enterprise scope is told enterprise endpoints need a classic PAT with manage_runners:enterprise', async () => {
    const minted = emulator.tokensIssued.filter((t) => t.kind === 'installation').length;
    const { message, all } = await planFails(targets.enterprise, appEnv());
    expect(message).toBe(
      'the GitHub App 4242 (installation 777) was refused by enterprise "octo-enterprise" (403 "Resource not accessible by integration"): ' +
        'enterprise runner endpoints accept only a classic personal access token with the "manage_runners:enterprise" or "admin:enterprise" scope ' +
        '(GitHub Apps and fine-grained tokens are refused): set GITHUB_TOKEN (or credential_env) to such a token',
    );
    // The App did authenticate: the refusal is the enterprise endpoint's, not a broken key.
    expect(emulator.tokensIssued.filter((t) => t.kind === 'installation').length).toBe(minted + 1);
    for (const line of app.privateKeyLines) expect(all).not.toContain(line);
  });

  test('B9: the same App plans fine at organization scope (the refusal is specific to enterprise)', async () => {
    const r = await ws.run(['plan', '-input=false', '-no-color', '-lock=false', `-target=${targets.org}`], appEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('B10: an organization that does not exist (404) is named', async () => {
    const { message } = await planFails(targets.missing, {});
    expect(message).toMatch(
      new RegExp(
        `^${escape(
          'organization "no-such-org" not found, or not visible to the classic personal access token from GITHUB_TOKEN ' +
            '(404 on POST /orgs/no-such-org/actions/runners/registration-token; GitHub answers 404 for both): ' +
            'check the name, and that the classic personal access token from GITHUB_TOKEN can see it',
        )}$`,
      ),
    );
  });

  test('B11: an OS and architecture pair the API does not offer lists the pairs offered', async () => {
    const { message } = await planFails(targets.osxArm, {});
    expect(message).toBe(
      'platform osx/arm is not offered by GitHub for organization "octo-org"; ' +
        'offered: linux/arm, linux/arm64, linux/x64, osx/arm64, osx/x64, win/arm64, win/x64',
    );
  });

  test('B12: an invalid runtime setting names the variable and the expected value', async () => {
    const before = emulator.requests.length;
    const { message } = await planFails(targets.org, { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: 'soon' });
    expect(message).toBe('CDKTF_GITHUB_RUNNERS_RETRY_BUDGET must be a number of seconds, got "soon"');
    expect(emulator.requests.length).toBe(before); // refused before any call to GitHub
  });
});
