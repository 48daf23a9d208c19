/**
 * Servers whose downloads answer carries no sha256_checksum (the GHES of the REST reference):
 * the plan fails naming the two ways out, or the runtime computes the checksum once and caches it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { downloadKey } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { ALL_SCOPES, canaryToken, data, result, run } from './runtime-process';

let emulator: Emulator;
const token = canaryToken();
let cacheHome: string;

beforeAll(async () => {
  emulator = await startEmulator({ ghesLegacy: true });
  emulator.addToken({ token, kind: 'classic', scopes: ALL_SCOPES });
});
afterAll(() => emulator?.close());
beforeEach(() => {
  cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'checksum-cache-'));
});

const env = () => ({ GITHUB_TOKEN: token, XDG_CACHE_HOME: cacheHome });
const downloads = (extra: Record<string, string>) =>
  data({ operation: 'downloads', api_url: emulator.url, org: 'octo-org', ...extra }, { env: env(), debug: false });
const archiveFetches = () => emulator.requests.filter((r) => r.path.startsWith('/_emulator/downloads/')).length;

async function sha256Of(url: string): Promise<string> {
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

test('G1: a server without sha256_checksum fails the plan in one line naming both choices', async () => {
  const r = await downloads({ platforms: 'linux/x64', checksum_required: 'linux/x64' });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([
    'cdktf-github-runners: GitHub lists no sha256_checksum for the linux/x64 runner 2.329.0 of organization "octo-org" (this server lists none), ' +
      "so a VM could not verify the archive: set sha256Checksum on its RunnerDownload to the archive's SHA-256, " +
      'or set computeChecksum: true to hash the archive on this machine at plan time',
  ]);
  // Without the policy (a user's own query) the answer stays as the server gave it.
  expect(result(await downloads({ platforms: 'linux/x64' }))[downloadKey('linux/x64', 'sha256_checksum')]).toBe('');
});

test('G2: computeChecksum hashes the archive once, caches it by URL and version in a 0700 folder without the URL, and publishes it', async () => {
  const before = archiveFetches();
  const first = result(
    await downloads({ platforms: 'linux/x64,win/x64', checksum_required: 'linux/x64,win/x64', checksum_compute: 'linux/x64,win/x64' }),
  );
  expect(archiveFetches() - before).toBe(2);
  for (const p of ['linux/x64', 'win/x64']) {
    expect(first[downloadKey(p, 'sha256_checksum')]).toBe(await sha256Of(first[downloadKey(p, 'download_url')]));
  }
  const dir = path.join(cacheHome, 'cdktf-github-runners');
  expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(dir, 'checksums')).mode & 0o777).toBe(0o700);
  const files = fs.readdirSync(path.join(dir, 'checksums'));
  expect(files).toHaveLength(2);
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, 'checksums', f), 'utf8');
    expect(text).not.toContain('http');
    expect(fs.statSync(path.join(dir, 'checksums', f)).mode & 0o777).toBe(0o600);
  }

  // The next plan reads the cache: no download, same checksum.
  const fetched = archiveFetches();
  const again = result(
    await downloads({ platforms: 'linux/x64,win/x64', checksum_required: 'linux/x64,win/x64', checksum_compute: 'linux/x64,win/x64' }),
  );
  expect(archiveFetches()).toBe(fetched);
  expect(again[downloadKey('linux/x64', 'sha256_checksum')]).toBe(first[downloadKey('linux/x64', 'sha256_checksum')]);

  // A cache folder others can write is not trusted: the archives are hashed again, the folder closed.
  fs.chmodSync(path.join(dir, 'checksums'), 0o777);
  result(await downloads({ platforms: 'linux/x64', checksum_required: 'linux/x64', checksum_compute: 'linux/x64' }));
  expect(archiveFetches()).toBe(fetched + 1);
  expect(fs.statSync(path.join(dir, 'checksums')).mode & 0o777).toBe(0o700);
});

test('G3: a pinned version GitHub lists no checksum for: computed on opt-in, else the plan fails saying it is pinned', async () => {
  const pinned = 'linux/arm64@2.321.0';
  const computed = result(await downloads({ platforms: pinned, checksum_required: pinned, checksum_compute: pinned }));
  expect(computed[downloadKey(pinned, 'version')]).toBe('2.321.0');
  expect(computed[downloadKey(pinned, 'sha256_checksum')]).toBe(await sha256Of(computed[downloadKey(pinned, 'download_url')]));
  const refused = await downloads({ platforms: pinned, checksum_required: pinned });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(
    'the linux/arm64 runner 2.321.0 of organization "octo-org" (pinned version 2.321.0 is not the current one)',
  );
});

test('G4: a checksum policy naming a platform the query does not request is refused', async () => {
  const r = await downloads({ platforms: 'linux/x64', checksum_compute: 'osx/arm64' });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('checksum policy names platform "osx/arm64", which is not in the query\'s platforms');
});

test('G17: `downloads --compute-checksum` prints the SHA-256 the server does not list, so a person can pin it', async () => {
  const args = ['downloads', '--org', 'octo-org', '--api-url', emulator.url, '--os', 'linux', '--arch', 'x64'];
  const plain = await run(args, { env: env(), debug: false });
  expect(plain.code).toBe(0);
  expect(plain.stdout).toContain('sha256:(unknown)');
  const computed = await run([...args, '--compute-checksum', '--json'], { env: env(), debug: false });
  const answer = result(computed);
  expect(answer[downloadKey('linux/x64', 'sha256_checksum')]).toBe(await sha256Of(answer[downloadKey('linux/x64', 'download_url')]));
});
