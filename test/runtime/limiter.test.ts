import * as fs from 'fs';
import { DataOperation, QueryKey } from '../../lib/contract';
import Limiter from '../../lib/runtime/limiter';
import { RUNTIME, canaryToken, conn, data, emulatorFor, result, uniqueName } from './runtime-process';

// lib/runtime/limiter.ts replaces Bottleneck in the bundle: these pin the behaviour the octokit
// plugins rely on, then check it through the bundle against the emulator.

test('schedule runs the job with its arguments, with or without job options', async () => {
  const limiter = new Limiter();
  expect(await limiter.schedule((a: number, b: number) => a + b, 2, 3)).toBe(5);
  expect(await limiter.schedule({ weight: 0 }, async (a: string) => `${a}!`, 'hi')).toBe('hi!');
});

test('a failed listener returning ms retries the job with retryCount + 1; anything else rejects', async () => {
  const limiter = new Limiter();
  const seen: number[] = [];
  limiter.on('failed', (_error: Error, info: { retryCount: number; args: unknown[] }) => {
    seen.push(info.retryCount);
    expect(info.args).toEqual(['x']);
    return info.retryCount < 2 ? 5 : undefined;
  });
  let calls = 0;
  await expect(
    limiter.schedule(async (_a: string) => {
      calls++;
      throw new Error(`boom ${calls}`);
    }, 'x'),
  ).rejects.toThrow('boom 3');
  expect(calls).toBe(3);
  expect(seen).toEqual([0, 1, 2]);
});

test('the first listener result that is not null decides; a throwing listener is reported as error', async () => {
  const limiter = new Limiter();
  const errors: unknown[] = [];
  limiter.on('error', (e: unknown) => errors.push(e));
  limiter.on('failed', () => undefined);
  limiter.on('failed', () => {
    throw new Error('listener bug');
  });
  limiter.on('failed', async (_e: unknown, info: { retryCount: number }) => (info.retryCount === 0 ? 0 : null));
  let calls = 0;
  expect(
    await limiter.schedule(async () => {
      if (calls++ === 0) throw new Error('once');
      return 'second try';
    }),
  ).toBe('second try');
  expect(errors).toHaveLength(1);
});

test('minTime spaces job starts; maxConcurrent bounds jobs of weight 1, not weight 0', async () => {
  const spaced = new Limiter({ maxConcurrent: 1, minTime: 100 });
  const starts: number[] = [];
  await Promise.all(
    [1, 2, 3].map(() =>
      spaced.schedule(async () => {
        starts.push(Date.now());
      }),
    ),
  );
  // Timers fire late under load, which may shorten one gap but not the span; unspaced starts are ~0 ms apart.
  expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(50);
  expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(50);
  expect(starts[2] - starts[0]).toBeGreaterThanOrEqual(190);

  const one = new Limiter({ maxConcurrent: 1 });
  let running = 0;
  let peak = 0;
  const job = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running--;
  };
  await Promise.all([one.schedule(job), one.schedule(job), one.schedule(job)]);
  expect(peak).toBe(1);
  peak = 0;
  await Promise.all([one.schedule({ weight: 0 }, job), one.schedule({ weight: 0 }, job)]);
  expect(peak).toBe(2);
});

test('Group gives one limiter per key; Events triggers listeners registered on the target', async () => {
  const group = new Limiter.Group({ maxConcurrent: 1 });
  expect(group.key('a')).toBe(group.key('a'));
  expect(group.key('a')).not.toBe(group.key('b'));
  const target: { on?: (n: string, cb: (...a: unknown[]) => unknown) => unknown } = {};
  const events = new Limiter.Events(target);
  target.on!('rate-limit', (after: unknown) => after === 3);
  expect(await events.trigger('rate-limit', 3)).toBe(true);
  expect(await events.trigger('nothing-listens')).toBeUndefined();
});

describe('through the bundle', () => {
  const credential = canaryToken();
  const ctx = emulatorFor(credential);

  test('the bundle holds the limiter, not Bottleneck', () => {
    const text = fs.readFileSync(RUNTIME, 'utf8');
    expect(text).not.toMatch(/This job has been dropped by Bottleneck|Bottleneck limiter/);
    expect(text).toContain('Retrying after');
  });

  test('writes stay at least 1 s apart, as GitHub asks of integrations', async () => {
    const names = [uniqueName('spaced'), uniqueName('spaced'), uniqueName('spaced')];
    const query: Record<string, string> = { ...conn(ctx.emulator), org: 'octo-org', [QueryKey.OPERATION]: DataOperation.JIT_CONFIGS };
    names.forEach((name, i) => {
      query[`${QueryKey.RUNNER_PREFIX}r${i}`] = JSON.stringify({
        name,
        generation: `g${i}`,
        labels: ['self-hosted'],
        runner_group: '',
        work_folder: '',
      });
    });
    ctx.emulator.clearRequests();
    result(await data(query, { env: { GITHUB_TOKEN: credential } }));
    const posts = ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generate-jitconfig'));
    expect(posts).toHaveLength(3);
    for (let i = 1; i < posts.length; i++) expect(posts[i].at - posts[i - 1].at).toBeGreaterThanOrEqual(950);
  });
});
