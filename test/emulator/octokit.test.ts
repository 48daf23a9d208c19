import * as crypto from 'crypto';
import * as path from 'path';
import { Emulator, Faults, startEmulator } from '../../lib/emulator';
import { spawnCollect } from '../support/spawn-collect';
import { fakeToken } from './support/github';

/**
 * The emulator against the real client stack of the runtime: @octokit/rest with plugin-retry,
 * plugin-throttling and auth-app, in a child process (those packages are ESM-only).
 */

const CLIENT = path.join(__dirname, 'support', 'octokit-client.mjs');

interface ClientResult {
  tokenStatus?: number;
  tokenShape?: boolean;
  listStatus?: number;
  totalCount?: number;
  events: [string, unknown][];
  error?: string;
}

async function runClient(scenario: string, env: Record<string, string>): Promise<ClientResult> {
  const { stdout, stderr } = await spawnCollect(process.execPath, [CLIENT, scenario], { env: { PATH: process.env.PATH ?? '', ...env } });
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    throw new Error(`octokit client printed no result: ${stdout} ${stderr}`);
  }
}

const apiCalls = (emu: Emulator) => emu.requests.map((r) => `${r.method} ${r.path.replace(/^\/api\/v3/, '')} ${r.status}`);

describe('Octokit with a GitHub App (auth-app)', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      seed: {
        apps: [
          {
            appId: '77',
            installationId: '88',
            publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
            permissions: { administration: 'write', organization_self_hosted_runners: 'write' },
          },
        ],
      },
    });
  });
  afterAll(() => emu.close());

  test.each([
    ['github.com layout', ''],
    ['GHES layout', '/api/v3'],
  ])('%s: installation token, then runner calls; a skewed clock is corrected from the Date header', async (_n, api) => {
    emu.clearRequests();
    // Two hours ahead: the app's JWT looks expired to the emulator until auth-app corrects the skew.
    emu.clock.advance(7200);
    const r = await runClient('app', {
      EMU_BASE_URL: emu.url + api,
      APP_ID: '77',
      INSTALLATION_ID: '88',
      APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ tokenStatus: 201, tokenShape: true, listStatus: 200 });
    expect(apiCalls(emu)).toEqual([
      'POST /app/installations/88/access_tokens 401',
      'POST /app/installations/88/access_tokens 201',
      'POST /orgs/octo-org/actions/runners/registration-token 201',
      'GET /repos/octo-org/octo-repo/actions/runners 200',
    ]);
    expect(emu.requests.map((q) => q.credential)).toEqual(['jwt', 'jwt', 'app', 'app']);
    expect(r.events.some(([kind, m]) => kind === 'warn' && /time are different by \d{4,} seconds/.test(String(m)))).toBe(true);
  });
});

describe('Octokit retry and throttling plugins recognize the fault helpers', () => {
  const token = fakeToken();
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ seed: { tokens: [{ token, kind: 'classic', scopes: ['repo', 'admin:org'] }] } });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.clearRequests();
    emu.clearFaults();
  });

  test('secondary rate limit (403 and 429 with retry-after) is waited out and retried', async () => {
    emu.addFault(Faults.secondaryRateLimit({ retryAfter: 1, path: '/registration-token$' }));
    emu.addFault(Faults.secondaryRateLimit({ status: 429, retryAfter: 1, path: '/actions/runners$' }));
    const r = await runClient('token', { EMU_BASE_URL: emu.url, GITHUB_TOKEN: token });
    expect(r.error).toBeUndefined();
    // The 403 reaches onSecondaryRateLimit by its message; plugin-retry may take the 429 first.
    expect(r.events.filter(([k]) => k === 'secondary-rate-limit')[0]).toEqual(['secondary-rate-limit', 1]);
    expect(apiCalls(emu)).toEqual([
      'POST /orgs/octo-org/actions/runners/registration-token 403',
      'POST /orgs/octo-org/actions/runners/registration-token 201',
      'GET /repos/octo-org/octo-repo/actions/runners 429',
      'GET /repos/octo-org/octo-repo/actions/runners 200',
    ]);
  });

  test('an exhausted primary limit is waited out until x-ratelimit-reset', async () => {
    emu.addFault(Faults.primaryRateLimit({ resetInSeconds: 1, path: '/registration-token$' }));
    const r = await runClient('token', { EMU_BASE_URL: emu.url, GITHUB_TOKEN: token });
    expect(r.error).toBeUndefined();
    const waits = r.events.filter(([k]) => k === 'primary-rate-limit');
    expect(waits).toHaveLength(1);
    expect(Number(waits[0][1])).toBeGreaterThanOrEqual(1);
    expect(Number(waits[0][1])).toBeLessThanOrEqual(3);
    expect(apiCalls(emu).slice(0, 2)).toEqual([
      'POST /orgs/octo-org/actions/runners/registration-token 403',
      'POST /orgs/octo-org/actions/runners/registration-token 201',
    ]);
  });

  test('server errors are retried by plugin-retry; 4xx are not', async () => {
    emu.addFault(Faults.serverError({ status: 502, path: '/registration-token$' }));
    const ok = await runClient('token', { EMU_BASE_URL: emu.url, GITHUB_TOKEN: token });
    expect(ok.error).toBeUndefined();
    expect(apiCalls(emu).slice(0, 2)).toEqual([
      'POST /orgs/octo-org/actions/runners/registration-token 502',
      'POST /orgs/octo-org/actions/runners/registration-token 201',
    ]);

    emu.clearRequests();
    const denied = await runClient('token', { EMU_BASE_URL: emu.url, GITHUB_TOKEN: fakeToken() });
    expect(denied.error).toMatch(/^401 Bad credentials/);
    expect(apiCalls(emu)).toEqual(['POST /orgs/octo-org/actions/runners/registration-token 401']);
  });
});
