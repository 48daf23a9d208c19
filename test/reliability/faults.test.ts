import { TerraformOutput } from 'cdktf';
import { OrgRunner, RunnerDownload } from '../../lib';
import { Faults } from '../../lib/emulator';
import { Fault } from '../../lib/emulator/types';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, runInstallScript, synthStack, useEmulator } from '../e2e/support';
import { failure, runJson } from './diagnostics';

// Rows F1–F18 of docs/reliability.md, on the first engine of the harness (the three engines
// share the runtime, so a fault's handling does not depend on the engine; test/e2e covers them all).
const engine = engines()[0];
const ORG = 'octo-org';
const DOWNLOADS = '/actions/runners/downloads$';
const MINT = '/actions/runners/registration-token$';
const RUNNER = '/actions/runners/\\d+$';
const LIST = '/actions/runners$';

// Small bounds so that a row takes seconds; the defaults are 300 s and 30 s.
const BOUNDED = { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '6', CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT: '2' };

describe(`faults on ${engine.id}`, () => {
  const ctx = useEmulator();
  afterEach(() => ctx.emulator.clearFaults());

  const runnersNamed = (prefix: string) => ctx.emulator.runners(`org:${ORG}`).filter((r) => r.name.startsWith(prefix));
  const answers = (pathRe: string, method?: string) =>
    ctx.emulator.requests.filter((r) => new RegExp(pathRe).test(r.path) && (!method || r.method === method)).map((r) => r.status);
  const fault = (f: Fault) => ctx.emulator.addFault(f);
  /** Milliseconds between consecutive requests to a path (the emulator logs when each arrived). */
  const gaps = (pathRe: string) => {
    const at = ctx.emulator.requests.filter((r) => new RegExp(pathRe).test(r.path)).map((r) => r.at);
    return at.slice(1).map((t, i) => t - at[i]);
  };
  // The destroy's refresh reads the JIT source (one runners list) before the provisioner runs:
  // a pass-through fault, matched first, lets that read through so later faults hit the provisioner.
  const passRefresh = () => fault({ method: 'GET', path: LIST, times: 1 });

  /** A registration-token runner with its download, its install script as an output. */
  async function tokenRunner(name: string): Promise<Workspace> {
    const installDir = tempDir('runner-');
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name });
      new TerraformOutput(s, 'script', { value: runner.installScript(download, { installDir }), sensitive: true });
    });
    return Workspace.init(engine, dir, ctx.credential, BOUNDED);
  }

  /** A registration-token runner applied through `f`, a fault on the mint; the apply must succeed. */
  async function applyThroughMintFault(name: string, f: Fault): Promise<Workspace> {
    const ws = await tokenRunner(name);
    ctx.emulator.clearRequests();
    fault(f);
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(failure(apply)).toBeUndefined();
    return ws;
  }

  /** An applied JIT runner: its record exists on GitHub from the apply on. */
  async function appliedJitRunner(name: string): Promise<Workspace> {
    const dir = synthStack((s) => {
      new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, jit: true, busyTimeout: 5 });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential, BOUNDED);
    await ws.apply();
    expect(runnersNamed(`${name}-`)).toHaveLength(1);
    return ws;
  }

  test('F1: 502 twice on the downloads call during plan: retried, the plan succeeds', async () => {
    const ws = await tokenRunner('f1');
    ctx.emulator.clearRequests();
    fault({ ...Faults.serverError({ status: 502, path: DOWNLOADS, times: 2 }) });
    const plan = await runJson(ws, ['plan', '-input=false']);
    expect(failure(plan)).toBeUndefined();
    expect(answers(DOWNLOADS)).toEqual([502, 502, 200]);
    expect(gaps(DOWNLOADS)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(gaps(DOWNLOADS)[0]).toBeGreaterThanOrEqual(900); // (n+1)² s backoff: 1 s, then 4 s
    expect(gaps(DOWNLOADS)[1]).toBeGreaterThanOrEqual(3900);
  });

  test('F2: 503 twice on the registration-token mint during apply: retried, the runner registers', async () => {
    const ws = await applyThroughMintFault('f2', Faults.serverError({ status: 503, path: MINT, times: 2 }));
    expect(answers(MINT)).toEqual([503, 503, 201]);
    const vm = await runInstallScript((await ws.outputs()).script);
    expect(vm.code).toBe(0);
    expect(runnersNamed('f2')).toEqual([expect.objectContaining({ name: 'f2', status: 'online' })]);
    await ws.destroy();
    expect(runnersNamed('f2')).toEqual([]);
  });

  test('F3: 500 twice on the runner delete during destroy: retried, the runner is gone', async () => {
    const ws = await appliedJitRunner('f3');
    ctx.emulator.clearRequests();
    fault(Faults.serverError({ path: RUNNER, times: 2 }));
    const destroy = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(failure(destroy)).toBeUndefined();
    expect(answers(RUNNER, 'DELETE')).toEqual([500, 500, 204]);
    expect(runnersNamed('f3-')).toEqual([]);
  });

  test('F4: 500 forever during plan: bounded by the retry budget, one line, non-zero exit', async () => {
    const ws = await tokenRunner('f4');
    fault(Faults.serverError({ path: DOWNLOADS, times: 0 }));
    const plan = await runJson(ws, ['plan', '-input=false']);
    expect(plan.code).not.toBe(0);
    expect(plan.seconds).toBeLessThan(6 + 30);
    expect(failure(plan)).toMatch(
      /^GitHub answered 500 .* to GET \/orgs\/octo-org\/actions\/runners\/downloads, \d+ attempts? within the retry budget of 6 s \(CDKTF_GITHUB_RUNNERS_RETRY_BUDGET\): .*retry later$/,
    );
    expect(answers(DOWNLOADS).filter((s) => s === 500).length).toBeGreaterThanOrEqual(2);
  });

  test('F5: secondary rate limit (403, retry-after) on the mint during apply: waited out, then success', async () => {
    await applyThroughMintFault('f5', Faults.secondaryRateLimit({ status: 403, retryAfter: 2, path: MINT }));
    expect(answers(MINT)).toEqual([403, 201]);
    expect(gaps(MINT)[0]).toBeGreaterThanOrEqual(1900);
  });

  test('F6: secondary rate limit (429, retry-after) on the downloads call during plan: waited out, then success', async () => {
    const ws = await tokenRunner('f6');
    ctx.emulator.clearRequests();
    fault(Faults.secondaryRateLimit({ status: 429, retryAfter: 2, path: DOWNLOADS }));
    const plan = await runJson(ws, ['plan', '-input=false']);
    expect(failure(plan)).toBeUndefined();
    expect(answers(DOWNLOADS)).toEqual([429, 200]);
    expect(gaps(DOWNLOADS)[0]).toBeGreaterThanOrEqual(1900);
  });

  test('F7: primary rate limit exhausted with the reset seconds away: waits for it, then success', async () => {
    await applyThroughMintFault('f7', Faults.primaryRateLimit({ resetInSeconds: 3, path: MINT }));
    expect(answers(MINT)).toEqual([403, 201]);
    expect(gaps(MINT)[0]).toBeGreaterThanOrEqual(1900);
  });

  test('F8: primary rate limit exhausted with the reset an hour away: fails at once naming the reset time', async () => {
    const ws = await tokenRunner('f8');
    ctx.emulator.clearRequests();
    fault(Faults.primaryRateLimit({ resetInSeconds: 3600, path: DOWNLOADS, times: 0 }));
    // A budget far longer than the run may take: failing fast must come from the reset being out of reach.
    const plan = await runJson(ws, ['plan', '-input=false'], { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '600' });
    expect(plan.code).not.toBe(0);
    expect(plan.seconds).toBeLessThan(20);
    expect(answers(DOWNLOADS)).toEqual([403]);
    expect(failure(plan)).toMatch(
      /^GitHub rate limit exhausted for the classic personal access token from GITHUB_TOKEN .*; it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 3[56]\d\d s\), beyond the retry budget of 600 s .*: retry after the reset or raise the budget$/,
    );
  });

  test('F9: connection reset on the mint during apply: retried, the apply succeeds', async () => {
    const ws = await applyThroughMintFault('f9', { path: MINT, reset: true });
    expect(answers(MINT)).toEqual([0, 201]);
    expect((await ws.outputs()).script).toContain('config.sh');
  });

  test('F10: an answer slower than the request timeout, once: abandoned, retried, the plan succeeds', async () => {
    const ws = await tokenRunner('f10');
    ctx.emulator.clearRequests();
    fault({ path: DOWNLOADS, delayMs: 4000 });
    const plan = await runJson(ws, ['plan', '-input=false']);
    expect(failure(plan)).toBeUndefined();
    expect(answers(DOWNLOADS)).toHaveLength(2);
  });

  test('F11: answers slower than the request timeout, always: bounded, one line naming the timeout', async () => {
    const ws = await tokenRunner('f11');
    fault({ path: DOWNLOADS, delayMs: 4000, times: 0 });
    const plan = await runJson(ws, ['plan', '-input=false']);
    expect(plan.code).not.toBe(0);
    expect(plan.seconds).toBeLessThan(6 + 2 * 3 + 30);
    expect(failure(plan)).toMatch(
      /^GET \/orgs\/octo-org\/actions\/runners\/downloads timed out after 2 s \(CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT\), \d+ attempts? within the retry budget of 6 s .*: check the network path to the API or raise the timeout$/,
    );
  });

  test('F12: malformed JSON with status 200: one line, non-zero exit, state unchanged', async () => {
    const ws = await tokenRunner('f12');
    await ws.apply();
    const before = ws.state();
    fault({ path: DOWNLOADS, status: 200, body: '{"total_count": 1, "runners": [', times: 0 });
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(apply.code).not.toBe(0);
    expect(failure(apply)).toMatch(
      /^GitHub answered GET \/orgs\/octo-org\/actions\/runners\/downloads with 200 but a body that is not JSON .*: check that api_url is the REST API base URL/,
    );
    expect(ws.state()).toBe(before);
    ctx.emulator.clearFaults();
    await ws.destroy();
  });

  test('F13: 500 forever on the runner delete: the destroy fails, the runner stays in state; a later destroy removes it', async () => {
    const ws = await appliedJitRunner('f13');
    fault(Faults.serverError({ path: RUNNER, times: 0 }));
    const destroy = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(destroy.code).not.toBe(0);
    expect(destroy.errors[0]).toMatch(/^local-exec provisioner error/);
    expect(failure(destroy)).toMatch(
      /^GitHub answered 500 .* to DELETE \/orgs\/octo-org\/actions\/runners\/\d+, \d+ attempts? within the retry budget of 6 s/,
    );
    expect(ws.state()).toMatch(/"null_resource"[\s\S]*"Runner_Identity/);
    expect(runnersNamed('f13-')).toHaveLength(1);

    ctx.emulator.clearFaults();
    const again = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(failure(again)).toBeUndefined();
    expect(runnersNamed('f13-')).toEqual([]);
    expect(JSON.parse(ws.state()).resources).toEqual([]);
  });

  test('F14: connection resets, then timeouts, forever on the runner lookup: the destroy fails; a later one removes the runner', async () => {
    // A registration-token runner: a JIT runner is deleted by its captured id, without a lookup.
    const ws = await tokenRunner('f14');
    await ws.apply();
    expect((await runInstallScript((await ws.outputs()).script)).code).toBe(0);
    expect(runnersNamed('f14')).toHaveLength(1);
    fault({ method: 'GET', path: LIST, reset: true, times: 2 });
    fault({ method: 'GET', path: LIST, delayMs: 4000, times: 0 });
    const destroy = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(destroy.code).not.toBe(0);
    expect(destroy.errors[0]).toMatch(/^local-exec provisioner error/);
    expect(failure(destroy)).toMatch(
      /^(GET \/orgs\/octo-org\/actions\/runners timed out after 2 s|cannot reach the GitHub API for GET \/orgs\/octo-org\/actions\/runners)/,
    );
    expect(runnersNamed('f14')).toHaveLength(1);

    ctx.emulator.clearFaults();
    const again = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(failure(again)).toBeUndefined();
    expect(runnersNamed('f14')).toEqual([]);
  });

  test('F15: rate limit exhausted with a far reset during destroy: fails naming the reset; after the reset a later destroy removes the runner', async () => {
    const ws = await appliedJitRunner('f15');
    passRefresh();
    fault(Faults.primaryRateLimit({ resetInSeconds: 3600, times: 0 }));
    const destroy = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false'], { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '600' });
    expect(destroy.seconds).toBeLessThan(20);
    expect(destroy.code).not.toBe(0);
    expect(destroy.errors[0]).toMatch(/^local-exec provisioner error/);
    expect(failure(destroy)).toMatch(
      /^GitHub rate limit exhausted .*; it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in \d+ s\), beyond the retry budget/,
    );
    expect(runnersNamed('f15-')).toHaveLength(1);

    // The hour passes: GitHub answers again.
    ctx.emulator.clearFaults();
    const again = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(failure(again)).toBeUndefined();
    expect(runnersNamed('f15-')).toEqual([]);
  });

  /** Three JIT runners of one scope, each config an output (as a VM's user data would embed it). */
  async function jitFleet(prefix: string, env: NodeJS.ProcessEnv = BOUNDED): Promise<Workspace> {
    const dir = synthStack((s) => {
      for (const i of [1, 2, 3]) {
        const runner = new OrgRunner(s, `Runner${i}`, { org: ORG, apiUrl: ctx.emulator.url, name: `${prefix}-${i}`, jit: true });
        new TerraformOutput(s, `config${i}`, { value: runner.jitConfig, sensitive: true });
      }
    });
    return Workspace.init(engine, dir, ctx.credential, env);
  }
  const JIT = '/actions/runners/generate-jitconfig$';

  /** The JIT configuration each runner's credentials captured in state, by runner name. */
  const capturedConfigs = (ws: Workspace): Map<string, string> => {
    const state = JSON.parse(ws.state());
    const out = new Map<string, string>();
    for (const r of state.resources ?? []) {
      if (r.type !== 'null_resource' || !/_Credentials_/.test(r.name)) continue;
      for (const inst of r.instances) out.set(inst.attributes.triggers.runner_name, inst.attributes.triggers.jit_config);
    }
    return out;
  };

  test('F16: the second of three JIT mints refused: the others keep their configuration, none is left without one; the next apply mints only the refused runner', async () => {
    const ws = await jitFleet('f16');
    ctx.emulator.clearRequests();
    fault({ method: 'POST', path: JIT, times: 1 }); // the first mint goes through
    fault({ method: 'POST', path: JIT, status: 422, times: 1, body: JSON.stringify({ message: 'Validation Failed', status: '422' }) });
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(apply.code).not.toBe(0);
    // Each runner is read (and minted) on its own: the refused one fails alone, with nothing to undo.
    expect(failure(apply)).toMatch(
      /^GitHub refused the JIT configuration for runner "f16-\d-[0-9a-f]{8}" in organization "octo-org" \(422 "Validation Failed"\): check its labels \(1 to 100\), runner group and work folder$/,
    );
    expect(apply.errors).toHaveLength(1);
    expect(answers(RUNNER, 'DELETE')).toEqual([]);
    // Every runner left on GitHub has its configuration in state: no VM is left without one.
    const registered = runnersNamed('f16-').map((r) => r.name);
    expect(registered.length).toBeGreaterThanOrEqual(1);
    expect(registered.length).toBeLessThanOrEqual(2);
    const captured = capturedConfigs(ws);
    for (const name of registered) expect(captured.get(name)?.length).toBeGreaterThan(20);

    ctx.emulator.clearRequests();
    const again = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(failure(again)).toBeUndefined();
    expect(answers(JIT, 'POST')).toEqual(Array(3 - registered.length).fill(201));
    const out = await ws.outputs();
    for (const i of [1, 2, 3]) expect(out[`config${i}`].length).toBeGreaterThan(20);
    expect(runnersNamed('f16-')).toHaveLength(3);
    // The runners minted by the first apply kept the configuration captured then.
    for (const name of registered) expect(capturedConfigs(ws).get(name)).toBe(captured.get(name));
    await ws.destroy();
    expect(runnersNamed('f16-')).toEqual([]);
  });

  test('F17: a JIT mint whose answer is lost after GitHub minted: the retry meets 409, the runner is minted again', async () => {
    const dir = synthStack((s) => {
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name: 'f17', jit: true });
      new TerraformOutput(s, 'config', { value: runner.jitConfig, sensitive: true });
      new TerraformOutput(s, 'name', { value: runner.runnerName });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential, { ...BOUNDED, CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT: '1' });
    ctx.emulator.clearRequests();
    // GitHub acts after 1.5 s; the runtime gave up at 1 s and retries after its 1 s backoff.
    fault({ method: 'POST', path: JIT, delayMs: 1500 });
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(failure(apply)).toBeUndefined();
    expect(answers(JIT, 'POST')).toEqual([0, 409, 201]); // 0: the client had closed the connection
    expect(answers(RUNNER, 'DELETE')).toEqual([204]);
    const out = await ws.outputs();
    expect(out.config.length).toBeGreaterThan(20);
    expect(runnersNamed('f17-').map((r) => r.name)).toEqual([out.name]);
    await ws.destroy();
    expect(runnersNamed('f17-')).toEqual([]);
  });

  test('F18: a JIT mint whose answer is lost, then refused on retry: the runner GitHub registered is deleted again', async () => {
    const ws = await jitFleet('f18', { ...BOUNDED, CDKTF_GITHUB_RUNNERS_REQUEST_TIMEOUT: '1', CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '3' });
    ctx.emulator.clearRequests();
    // GitHub registers the first runner after 1.5 s, when the runtime has given up on the answer;
    // the retry meets a 503 and the budget allows no more.
    fault({ method: 'POST', path: JIT, delayMs: 1500 });
    fault(Faults.serverError({ status: 503, path: JIT, times: 0 }));
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(apply.code).not.toBe(0);
    // Each runner's read fails on its own; the one whose lost mint GitHub acted on says it undid it.
    const messages = apply.errors.map((e) => failure({ ...apply, errors: [e] }));
    expect(messages).toHaveLength(3);
    expect(
      messages.filter((m) =>
        /^GitHub answered 503 .*, 2 attempts within the retry budget of 3 s .* \(the 1 JIT runner\(s\) minted in this run were deleted again; the next apply mints them afresh\)$/.test(
          m ?? '',
        ),
      ),
    ).toHaveLength(1);
    expect(messages.every((m) => /^GitHub answered 503 /.test(m ?? ''))).toBe(true);
    expect(answers(JIT, 'POST').filter((c) => c === 0)).toEqual([0]);
    expect(answers(RUNNER, 'DELETE')).toEqual([204]);
    expect(runnersNamed('f18-')).toEqual([]);

    ctx.emulator.clearFaults();
    const again = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(failure(again)).toBeUndefined();
    const out = await ws.outputs();
    for (const i of [1, 2, 3]) expect(out[`config${i}`].length).toBeGreaterThan(20);
    await ws.destroy();
    expect(runnersNamed('f18-')).toEqual([]);
  });
});
