/**
 * The benchmark's verdicts for destroy cost, fleet scaling and concurrent pipelines are computed
 * from what a run measured, never written in: these pin that a measurement on either side of each
 * goal gets the verdict it should, and how a state file is read. (The behaviour measured is pinned
 * elsewhere: destroy cost by test/reliability/ownership.test.ts O5-O7.)
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bench is CommonJS without types, loaded as node runs it
const { linearVerdict, stateFacts } = require('../../bench/sections/fleet-scaling');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same
const { fleetGoals } = require('../../bench/lib/report');

interface Row {
  mode: string;
  runners: number;
  stateBytes: number;
  depsMax: number;
  clean: boolean;
  failed?: string;
}

const jitRows = (deps: (n: number) => number, bytesPerRunner: (n: number) => number): Row[] =>
  [10, 100, 500].map(
    (runners) =>
      ({
        mode: 'jit',
        runners,
        stateBytes: runners * bytesPerRunner(runners),
        depsMax: deps(runners),
        depsMedian: deps(runners),
        clean: true,
        applyMs: 1,
        planMs: 1,
      }) as Row,
  );

test('JIT scaling is met when the dependencies per credentials stay put and the bytes per runner do not grow', () => {
  const v = linearVerdict(
    jitRows(
      () => 4,
      () => 6000,
    ),
  );
  expect(v).toMatchObject({ ok: true, depsConstant: true });
  expect(v.bytesRatio).toBeCloseTo(1);
});

test('JIT scaling is missed when every credentials resource depends on every identity (N + 1 dependencies)', () => {
  const v = linearVerdict(
    jitRows(
      (n) => n + 1,
      (n) => 6000 + 60 * n,
    ),
  );
  expect(v.ok).toBe(false);
  expect(v.depsConstant).toBe(false);
  expect(v.bytesRatio).toBeGreaterThan(1.5);
});

test('JIT scaling is missed when the dependencies stay put but the state grows faster than the fleet', () => {
  expect(
    linearVerdict(
      jitRows(
        () => 4,
        (n) => (n >= 500 ? 10000 : 6000),
      ),
    ).ok,
  ).toBe(false);
});

test('JIT scaling is missed when a size failed to apply or a re-plan proposed changes', () => {
  const failed = jitRows(
    () => 4,
    () => 6000,
  );
  failed[2] = { ...failed[2], failed: 'Error: this run used up its time budget' };
  expect(linearVerdict(failed)).toMatchObject({ ok: false, failed: [500] });
  const dirty = jitRows(
    () => 4,
    () => 6000,
  );
  dirty[1].clean = false;
  expect(linearVerdict(dirty).ok).toBe(false);
});

test('stateFacts counts the dependencies of every credentials instance, and nothing else', () => {
  const state = {
    version: 4,
    resources: [
      { mode: 'managed', type: 'null_resource', name: 'runner-1_Credentials_AAAA', instances: [{ dependencies: ['a', 'b', 'c'] }] },
      {
        mode: 'managed',
        type: 'null_resource',
        name: 'runner-2_Credentials_BBBB',
        instances: [{ dependencies: ['a', 'b', 'c', 'd', 'e'] }],
      },
      { mode: 'managed', type: 'null_resource', name: 'runner-3_Credentials_CCCC', instances: [{ dependencies: ['a'] }] },
      { mode: 'managed', type: 'null_resource', name: 'runner-1_Identity_DDDD', instances: [{ dependencies: Array(50).fill('x') }] },
      { mode: 'data', type: 'external', name: 'scope_Credentials_EEEE', instances: [{ dependencies: Array(50).fill('x') }] },
    ],
  };
  const text = JSON.stringify(state);
  expect(stateFacts(text)).toEqual({ stateBytes: Buffer.byteLength(text), credentials: 3, depsMax: 5, depsMedian: 3 });
});

const tokenRow = (nameFilter: boolean, perRunner: number, left = 0) => ({
  nameFilter,
  runners: 1000,
  others: 100,
  othersKept: 100,
  perRunner,
  left,
  failures: 0,
  requests: perRunner * 1000,
  lists: 0,
  deletes: 1000,
  seconds: 1,
  parallelism: 10,
});
const jit = { runners: 100, registered: 100, perRunner: 1.01, requests: 101, lists: 1, deletes: 100, mints: 0, left: 0, ms: 1 };
const verdict = (goals: { goal: string; ok: boolean }[], start: string) => goals.find((g) => g.goal.startsWith(start))?.ok;

test('destroy goals follow the measured requests per runner and the runners left', () => {
  const met = fleetGoals({ destroy: { token: [tokenRow(true, 2), tokenRow(false, 1.07)], jit } });
  expect(verdict(met, 'destroy <= 2 requests per runner at 1,000')).toBe(true);
  expect(verdict(met, 'destroy: 0 runners left')).toBe(true);
  const costly = fleetGoals({ destroy: { token: [tokenRow(true, 2), tokenRow(false, 6.5)], jit } });
  expect(verdict(costly, 'destroy <= 2 requests per runner')).toBe(false);
  const leftOne = fleetGoals({ destroy: { token: [tokenRow(true, 2), tokenRow(false, 1.07, 1)], jit } });
  expect(verdict(leftOne, 'destroy: 0 runners left')).toBe(false);
  const jitLeft = fleetGoals({ destroy: { token: [tokenRow(true, 2), tokenRow(false, 1.07)], jit: { ...jit, left: 2 } } });
  expect(verdict(jitLeft, 'destroy: 0 runners left')).toBe(false);
});

test('pipeline goals follow the runners left and the measured wall-time ratio', () => {
  const phase = (ms: number) => ({
    ms,
    requests: 1,
    writes: 1,
    refused: 0,
    waitSeconds: 0,
    hits: { concurrent: 0, 'content-per-minute': 0, 'content-per-hour': 0 },
    peakConcurrent: 1,
  });
  const scenario = (stacks: number, ms: number, left = 0) => ({
    stacks,
    runnersPerStack: 200 / stacks,
    registered: 200,
    apply: phase(ms),
    destroy: phase(ms),
    left,
  });
  const goals = (c: object, a: object) => fleetGoals({ pipelines: { concurrent: c, alone: a } });
  expect(verdict(goals(scenario(4, 100), scenario(1, 100)), 'every runner registered once')).toBe(true);
  expect(verdict(goals(scenario(4, 100, 3), scenario(1, 100)), 'every runner registered once')).toBe(false);
  expect(verdict(goals(scenario(4, 140), scenario(1, 100)), '4 pipelines at once')).toBe(true);
  expect(verdict(goals(scenario(4, 160), scenario(1, 100)), '4 pipelines at once')).toBe(false);
});
