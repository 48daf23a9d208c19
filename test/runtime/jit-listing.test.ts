import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataOperation, generationName, jitKey } from '../../lib/contract';
import { canaryToken, conn, data, emulatorFor, expectNoSecret, result, uniqueName } from './runtime-process';

/**
 * Each JIT runner is read by its own process (a data source per runner); the reads of one plan or
 * apply share one listing of the scope through the per-user cache, plus a journal of the runners
 * they created since that listing was walked.
 */
const credential = canaryToken();
const ctx = emulatorFor(credential);

const ORG = { org: 'octo-org' };
const cacheEnv = () => ({ GITHUB_TOKEN: credential, XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'jit-cache-')) });
const spec = (name: string, generation: string) => JSON.stringify({ name, generation, labels: ['jit'], runner_group: '', work_folder: '' });
const query = (name: string, generation: string) => ({
  ...conn(ctx.emulator),
  ...ORG,
  operation: DataOperation.JIT_CONFIGS,
  'runner:r': spec(name, generation),
});
const calls = (method: string, re: RegExp) => ctx.emulator.requests.filter((r) => r.method === method && re.test(r.path));
const LIST = /\/actions\/runners$/;
const MINT = /\/actions\/runners\/generate-jitconfig$/;

async function read(q: Record<string, string>, env: Record<string, string>): Promise<Record<string, string>> {
  const r = await data(q, { env });
  expectNoSecret(r, credential);
  return result(r);
}

test('reads of one plan share one listing; a runner minted since it was walked is known from the journal', async () => {
  const env = cacheEnv();
  const a = uniqueName('jit-share');
  const b = uniqueName('jit-share');
  ctx.emulator.clearRequests();
  expect((await read(query(a, 'g-a'), env))[jitKey('r', 'status')]).toBe('minted');
  expect((await read(query(b, 'g-b'), env))[jitKey('r', 'status')]).toBe('minted');
  expect(calls('GET', LIST)).toHaveLength(1);

  // A re-read within the minute (a plan right after the apply): no listing, no mint, both exist.
  ctx.emulator.clearRequests();
  for (const [name, gen] of [
    [a, 'g-a'],
    [b, 'g-b'],
  ]) {
    const again = await read(query(name, gen), env);
    expect(again[jitKey('r', 'status')]).toBe('existing');
    expect(again[jitKey('r', 'jit_config')]).toBe('');
    const onGitHub = ctx.emulator.runners('org:octo-org').find((r) => r.name === generationName(name, gen))!;
    expect(again[jitKey('r', 'runner_id')]).toBe(String(onGitHub.id));
  }
  expect(calls('GET', LIST)).toEqual([]);
  expect(calls('POST', MINT)).toEqual([]);
});

test('a runner created after the shared listing was walked (elsewhere): the mint meets 409 and answers it as existing', async () => {
  const env = cacheEnv();
  await read(query(uniqueName('jit-walk'), 'g-w'), env); // walks the scope, leaves the listing
  const name = uniqueName('jit-late');
  const theirs = ctx.emulator.createRunner('org:octo-org', { name: generationName(name, 'g-late'), labels: ['jit'] });
  const jits = () => ctx.emulator.tokensIssued.filter((t) => t.kind === 'jit').length;
  const before = jits();
  ctx.emulator.clearRequests();
  const answer = await read(query(name, 'g-late'), env);
  expect(answer[jitKey('r', 'status')]).toBe('existing');
  expect(answer[jitKey('r', 'runner_id')]).toBe(String(theirs.id));
  expect(answer[jitKey('r', 'jit_config')]).toBe('');
  expect(calls('POST', MINT).map((r) => r.status)).toEqual([409]);
  expect(jits()).toBe(before);
  expect(ctx.emulator.runners('org:octo-org').filter((r) => r.name === theirs.name)).toHaveLength(1);
});

test('a journal line that is not ours to trust (torn, foreign, in the future) adds nothing', async () => {
  const env = cacheEnv();
  await read(query(uniqueName('jit-j'), 'g-j'), env);
  const dir = path.join(env.XDG_CACHE_HOME, 'cdktf-github-runners');
  const journal = fs.readdirSync(dir).find((f) => f.endsWith('.created'))!;
  const name = uniqueName('jit-future');
  const ghName = generationName(name, 'g-f');
  fs.appendFileSync(path.join(dir, journal), `{"id":424242,"name":"${ghName}","at":${Date.now() + 3_600_000}}\n{"id":1,"na`);
  ctx.emulator.clearRequests();
  // Taken as "exists", the entry in the future would leave this VM without a configuration.
  const answer = await read(query(name, 'g-f'), env);
  expect(answer[jitKey('r', 'status')]).toBe('minted');
  expect(calls('POST', MINT).map((r) => r.status)).toEqual([201]);
});
