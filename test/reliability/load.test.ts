import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { EnterpriseRunner, OrgRunner, RepoRunner, RunnerDownload } from '../../lib';
import { Faults } from '../../lib/emulator';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, synthStack, useEmulator } from '../e2e/support';

/**
 * Row L1 of test/reliability/matrix.json ("load"): 50 runners applied and destroyed by one
 * Terraform with its default parallelism (10), against an emulator answering every request
 * 100 ms late, whose primary rate limit runs out in the middle of the apply.
 *
 * The mix: 25 registration-token runners of one organization, each with a stand-in VM (a
 * null_resource whose local-exec runs the rendered install script: download, SHA-256 check,
 * config.sh against the emulator, svc.sh start), and 25 JIT runners spread over the three scope
 * kinds (9 enterprise, 8 organization, 8 repository). Each JIT runner is read (and minted) by a
 * process of its own, which shares one listing of its scope with the others.
 *
 * The rate limit: the emulator's own primary limit (seed.rateLimit) opens a one-hour window, so a
 * reset "a few seconds away" cannot be had from it. Instead, once the apply has made
 * EXHAUST_AFTER API calls, every API call is answered as GitHub answers an exhausted primary limit
 * (403, x-ratelimit-remaining: 0, the same x-ratelimit-reset RESET_IN_SECONDS ahead) until that
 * reset, when the limit is restored. The runtime must wait it out inside its retry budget.
 */

const engine = engines()[0];
const REGISTRATION = 25;
const JIT_SCOPES = [
  { kind: 'enterprise', count: 9, ref: 'enterprise:octo-enterprise' },
  { kind: 'org', count: 8, ref: 'org:octo-org' },
  { kind: 'repo', count: 8, ref: 'repo:octo-org/octo-repo' },
] as const;
const API = '^/(orgs|repos|enterprises)/';
const EXHAUST_AFTER = 12;
const RESET_IN_SECONDS = 4;

describe(`load on ${engine.id}`, () => {
  const ctx = useEmulator(100);

  const regName = (i: number) => `load-reg-${String(i).padStart(2, '0')}`;
  const jitName = (kind: string, i: number) => `load-jit-${kind}-${String(i).padStart(2, '0')}`;
  const ours = (ref: string) => ctx.emulator.runners(ref).filter((r) => r.name.startsWith('load-'));
  const all = () => JIT_SCOPES.flatMap((s) => ours(s.ref));
  const apiCalls = () => ctx.emulator.requests.filter((r) => new RegExp(API).test(r.path) && r.credential === 'classic');

  /**
   * From the EXHAUST_AFTER-th API call on, the limit is exhausted until one reset a few seconds
   * ahead. Resolves with the reset (epoch seconds) once it has passed.
   */
  function exhaustMidway(): { done: Promise<number>; stop: () => void } {
    let stopped = false;
    let resolve!: (reset: number) => void;
    const done = new Promise<number>((r) => {
      resolve = r;
    });
    const poll = setInterval(() => {
      if (stopped || apiCalls().length < EXHAUST_AFTER) return;
      clearInterval(poll);
      const reset = Math.floor(ctx.emulator.clock.now() / 1000) + RESET_IN_SECONDS;
      const fault = Faults.primaryRateLimit({ resetInSeconds: RESET_IN_SECONDS, path: API, times: 0 });
      delete fault.rateLimitResetInSeconds; // one reset for every refused call, as GitHub's window has
      fault.headers = { ...fault.headers, 'x-ratelimit-reset': String(reset), 'x-ratelimit-limit': '5000', 'x-ratelimit-used': '5000' };
      ctx.emulator.addFault(fault);
      setTimeout(
        () => {
          ctx.emulator.clearFaults();
          resolve(reset);
        },
        reset * 1000 - ctx.emulator.clock.now(),
      );
    }, 20);
    return {
      done,
      stop: () => {
        stopped = true;
        clearInterval(poll);
      },
    };
  }

  test('L1: 50 runners (25 registration-token with VMs, 25 JIT) register through an exhausted rate limit, and destroy deregisters all 50', async () => {
    const apiUrl = ctx.emulator.url;
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: 'octo-org', apiUrl, os: 'linux', architecture: 'x64' });
      for (let i = 1; i <= REGISTRATION; i++) {
        const runner = new OrgRunner(s, `Reg${i}`, { org: 'octo-org', apiUrl, name: regName(i), labels: ['load'] });
        const script = runner.installScript(download, { installDir: tempDir('load-vm-') });
        new NullResource(s, `Vm${i}`, {
          triggers: { user_data: script },
          provisioners: [{ type: 'local-exec', command: 'bash -c "$USER_DATA"', environment: { USER_DATA: script } }],
        });
      }
      for (const { kind, count } of JIT_SCOPES) {
        for (let i = 1; i <= count; i++) {
          const props = { apiUrl, name: jitName(kind, i), jit: true, labels: ['load'] };
          if (kind === 'enterprise') new EnterpriseRunner(s, `EntJit${i}`, { ...props, enterprise: 'octo-enterprise' });
          else if (kind === 'org') new OrgRunner(s, `OrgJit${i}`, { ...props, org: 'octo-org' });
          else new RepoRunner(s, `RepoJit${i}`, { ...props, owner: 'octo-org', repository: 'octo-repo' });
        }
      }
    });
    // The wait for the reset is a few seconds; a budget of 60 s shows it is waited out, not retried blindly.
    const ws = await Workspace.init(engine, dir, ctx.credential, { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '60' });
    ctx.emulator.clearRequests();
    const jitBefore = ctx.emulator.tokensIssued.filter((t) => t.kind === 'jit').length;

    const limit = exhaustMidway();
    const started = Date.now();
    try {
      await ws.apply(); // no -parallelism: Terraform's default of 10
    } finally {
      limit.stop();
    }
    const applySeconds = (Date.now() - started) / 1000;
    const reset = await limit.done;

    // The limit ran out mid-apply: calls were refused, then the same calls succeeded after the reset.
    const refused = ctx.emulator.requests.filter((r) => r.status === 403);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.at < reset * 1000)).toBe(true);
    expect(refused.some((r) => /generate-jitconfig$/.test(r.path))).toBe(true);
    const after = apiCalls().filter((r) => r.at >= reset * 1000 && r.status < 300);
    for (const path of new Set(refused.map((r) => r.path))) expect([path, after.some((r) => r.path === path)]).toEqual([path, true]);
    expect(ctx.emulator.requests.filter((r) => r.status >= 500 || r.status === 409 || r.status === 0)).toEqual([]);

    // All 50 registered: the 25 VMs brought theirs online, the 25 JIT runners exist in their scopes.
    const org = ours('org:octo-org');
    const registered = org.filter((r) => !r.jit);
    expect(registered.map((r) => r.name).sort()).toEqual(Array.from({ length: REGISTRATION }, (_, i) => regName(i + 1)));
    expect(registered.every((r) => r.status === 'online' && r.labels.some((l) => l.name === 'load'))).toBe(true);
    for (const { kind, count, ref } of JIT_SCOPES) {
      const jit = ours(ref)
        .filter((r) => r.jit)
        .map((r) => r.name.replace(/-[0-9a-f]{8}$/, ''))
        .sort();
      expect(jit).toEqual(Array.from({ length: count }, (_, i) => jitName(kind, i + 1)));
    }
    expect(all()).toHaveLength(50);
    // Minted exactly once each, the refused attempts included.
    expect(ctx.emulator.tokensIssued.filter((t) => t.kind === 'jit').length - jitBefore).toBe(25);
    expect(applySeconds).toBeGreaterThan(RESET_IN_SECONDS);

    await ws.destroy();
    expect(all()).toEqual([]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  }, 150_000);
});
