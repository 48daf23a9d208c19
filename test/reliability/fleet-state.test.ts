import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OrgRunner } from '../../lib';
import { engines } from '../terraform/harness';
import { Workspace, synthStack, useEmulator } from '../e2e/support';

/**
 * Row L2 of test/reliability/matrix.json ("load"): a fleet's state grows linearly. Each runner's
 * credentials (and the VM embedding them) depend on a fixed number of addresses whatever the size
 * of the fleet, in both modes, and a JIT fleet mints once per runner at apply, then lists its
 * scope about once per re-plan although each runner is read by its own process.
 */
const engine = engines()[0];
const ORG = 'octo-org';
const MINT = '/actions/runners/generate-jitconfig$';
const LIST = '/actions/runners$';

describe(`fleet state on ${engine.id}`, () => {
  const ctx = useEmulator();

  function fleet(prefix: string, size: number, jit: boolean): string {
    return synthStack((s) => {
      for (let i = 0; i < size; i++) {
        const runner = new OrgRunner(s, `Runner${i}`, { org: ORG, apiUrl: ctx.emulator.url, name: `${prefix}-${i}`, jit });
        new NullResource(s, `Vm${i}`, { triggers: { secret: jit ? runner.jitConfig : runner.token } });
      }
    });
  }

  /** The largest `dependencies` list of the state's resources whose name matches `re`. */
  function maxDependencies(ws: Workspace, re: RegExp): number {
    const state = JSON.parse(ws.state());
    const counts = state.resources
      .filter((r: any) => r.mode === 'managed' && re.test(r.name))
      .flatMap((r: any) => r.instances.map((i: any) => (i.dependencies ?? []).length));
    expect(counts.length).toBeGreaterThan(0);
    return Math.max(...counts);
  }

  const calls = (re: string, method: string) => ctx.emulator.requests.filter((r) => r.method === method && new RegExp(re).test(r.path));

  test.each([
    ['registration-token', false],
    ['JIT', true],
  ])(
    'L2: a %s fleet of 12 keeps the dependencies per credentials resource and per VM of a fleet of 2',
    async (_mode, jit) => {
      const prefix = jit ? 'l2-jit' : 'l2-reg';
      const deps: Record<number, { credentials: number; vm: number }> = {};
      for (const size of [2, 12]) {
        // A cache folder of its own: the listing shared by the reads is this test's.
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'l2-cache-'));
        const ws = await Workspace.init(engine, fleet(`${prefix}${size}`, size, jit), ctx.credential, { XDG_CACHE_HOME: cache });
        ctx.emulator.clearRequests();
        await ws.apply();
        if (jit) expect(calls(MINT, 'POST').map((r) => r.status)).toEqual(Array(size).fill(201));
        deps[size] = { credentials: maxDependencies(ws, /_Credentials_/), vm: maxDependencies(ws, /^Vm\d+$/) };

        ctx.emulator.clearRequests();
        expect((await ws.planExitCode()).code).toBe(0);
        // The re-plan mints nothing; each JIT runner's own read shares one listing of the scope.
        expect(calls(MINT, 'POST')).toEqual([]);
        if (jit) expect(calls(LIST, 'GET').length).toBeLessThanOrEqual(2);
        await ws.destroy();
        expect(ctx.emulator.runners(`org:${ORG}`).filter((r) => r.name.startsWith(`${prefix}${size}-`))).toEqual([]);
      }
      expect(deps[12]).toEqual(deps[2]);
      // Its own identity and source (JIT), or its identity, the epoch and the token source.
      expect(deps[12].credentials).toBeLessThanOrEqual(3);
    },
    600_000,
  );
});
