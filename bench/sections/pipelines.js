// Item 6: several pipelines at once against one organization's budgets. K stacks of N runners
// (half registration-token, half JIT, each with a stand-in VM that runs its install script) are
// applied concurrently, then destroyed concurrently, against an emulator enforcing GitHub's
// primary limit and secondary limits for one credential; the reference is one stack of K x N
// runners applied and destroyed alone on its organization under the same limits.
//
// Each stack keeps its state in an http backend (bench/lib/state-server.js), as a pipeline in CI
// keeps it remotely.
// The two scenarios run side by side: each against its own emulator (its own organization and
// budgets), both applies started together and, once both are checked, both destroys started
// together. The machine's load so hits both alike, and the minutes each spends waiting out the
// content-creation limit (80 writes a minute, `retry-after: 60`) overlap instead of adding up.
// Every emulator answer is delayed by LATENCY_MS, standing in for GitHub's own time to answer:
// on loopback with none, the emulator answers each request before it reads the next, so no two
// requests are ever in flight at once and the concurrency cap could never be reached.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { measureOk } = require('../lib/measure');
const { BENCH_ORG, apiRequests } = require('../lib/emulator');
const { scratch } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const APP = path.resolve(__dirname, '..', 'apps', 'pipeline-fleet.js');
const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const DESTROY = ['destroy', '-auto-approve', '-input=false', '-no-color'];
/** GitHub's documented budgets for one credential (see lib/emulator/secondary-limits.ts). */
const LIMITS = {
  rateLimit: 5000,
  secondaryLimits: { maxConcurrent: 100, contentPerMinute: 80, contentPerHour: 500, retryAfterSeconds: 60 },
};
/** Added to every emulator answer (API, downloads, runner stubs). */
const LATENCY_MS = 100;

async function limitedEmulator(root) {
  const { startEmulator } = require(path.join(root, 'dist', 'emulator'));
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const emulator = await startEmulator({
    latencyMs: LATENCY_MS,
    seed: { orgs: [BENCH_ORG], repos: [], enterprises: [], rateLimit: LIMITS.rateLimit, secondaryLimits: LIMITS.secondaryLimits },
  });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
  return { emulator, credential };
}

/** What the API saw in one phase: requests, writes, refusals by limit, the peak so far. */
function phaseFacts(emulator, before) {
  const requests = apiRequests(emulator).slice(before.requests);
  const stats = emulator.secondaryLimitStats();
  const hits = Object.fromEntries(Object.entries(stats.hits).map(([k, v]) => [k, v - before.hits[k]]));
  const isRefused = (r) => r.status === 403 || r.status === 429;
  const refused = requests.filter(isRefused).length;
  return {
    requests: requests.length,
    // Writes GitHub acted on; a refused write is counted under `refused` and sent again later.
    writes: requests.filter((r) => r.method !== 'GET' && !isRefused(r)).length,
    refused,
    // Each refusal is answered with retry-after, which the refused process waits out before retrying.
    waitSeconds: refused * LIMITS.secondaryLimits.retryAfterSeconds,
    hits,
    peakConcurrent: stats.peakConcurrent,
  };
}

function mark(emulator) {
  return { requests: apiRequests(emulator).length, hits: { ...emulator.secondaryLimitStats().hits } };
}

/** Every expected runner exactly once and online; nothing else in the organization. */
function checkFleet(emulator, stacks) {
  const runners = emulator.runners(`org:${BENCH_ORG}`);
  const problems = [];
  for (const s of stacks) {
    for (let i = 1; i <= s.runners; i++) {
      const base = `${s.pipeline}-runner-${i}`;
      const jit = i > s.runners / 2;
      const found = runners.filter((r) => (jit ? new RegExp(`^${base}-[0-9a-f]{8}$`).test(r.name) : r.name === base));
      if (found.length !== 1) problems.push(`${base}: ${found.length} registrations`);
      else if (found[0].status !== 'online') problems.push(`${base}: ${found[0].status}`);
    }
  }
  const expected = stacks.reduce((n, s) => n + s.runners, 0);
  if (runners.length !== expected) problems.push(`${runners.length} runners registered, ${expected} expected`);
  return problems;
}

/** One scenario's emulator and synthesized, initialized stacks (untimed). */
async function prepare(ctx, label, shape) {
  const { emulator, credential } = await limitedEmulator(ctx.root);
  const env = { ...ctx.tf.env, GITHUB_TOKEN: credential };
  const vmRoot = scratch('vms');
  const stacks = [];
  for (let k = 1; k <= shape.stacks; k++) {
    const out = scratch(`pipeline-${k}`);
    const pipeline = shape.stacks === 1 ? 'solo' : `p${k}`;
    const state = `pipelines-${label}-${pipeline}`;
    await measureOk(
      process.execPath,
      [
        APP,
        '--runners',
        String(shape.runners),
        '--pipeline',
        pipeline,
        '--api-url',
        emulator.url,
        '--vm-root',
        vmRoot,
        '--state-url',
        ctx.stateServer.url(state),
        '--out',
        out,
      ],
      { rss: false },
    );
    const dir = path.join(out, 'stacks', 'fleet');
    await tf(ctx.tf.engine, env, dir, ['init', '-input=false', '-no-color']);
    stacks.push({ dir, pipeline, runners: shape.runners, state });
  }
  return { label, shape, emulator, env, vmRoot, stacks };
}

async function applyPhase(ctx, sc) {
  const before = mark(sc.emulator);
  const t = Date.now();
  await Promise.all(sc.stacks.map((s) => tf(ctx.tf.engine, sc.env, s.dir, APPLY)));
  const apply = { ms: Date.now() - t, ...phaseFacts(sc.emulator, before) };
  // A JIT runner's run.sh starts in the background: give the last ones a moment to come online.
  let problems = checkFleet(sc.emulator, sc.stacks);
  for (let waited = 0; problems.length > 0 && waited < 60_000; waited += 500) {
    await new Promise((r) => setTimeout(r, 500));
    problems = checkFleet(sc.emulator, sc.stacks);
  }
  if (problems.length > 0) throw new Error(`pipelines ${sc.label}: after the apply, ${problems.slice(0, 5).join('; ')}`);
  ctx.log(
    `pipelines ${sc.label}: applied in ${(apply.ms / 1000).toFixed(1)} s, ${apply.requests} requests, ${apply.refused} refused; every runner registered once and online`,
  );
  return apply;
}

async function destroyPhase(ctx, sc) {
  const before = mark(sc.emulator);
  const t = Date.now();
  await Promise.all(sc.stacks.map((s) => tf(ctx.tf.engine, sc.env, s.dir, DESTROY)));
  const destroy = { ms: Date.now() - t, ...phaseFacts(sc.emulator, before) };
  const left = sc.emulator.runners(`org:${BENCH_ORG}`).length;
  if (left !== 0) throw new Error(`pipelines ${sc.label}: ${left} runner(s) left registered after the destroys`);
  ctx.log(
    `pipelines ${sc.label}: destroyed in ${(destroy.ms / 1000).toFixed(1)} s, ${destroy.requests} requests, ${destroy.refused} refused; 0 runners left`,
  );
  return { destroy, left };
}

async function runPipelines(ctx) {
  const { stacks, runners } = ctx.plan.pipelines;
  const scenarios = [];
  try {
    scenarios.push(await prepare(ctx, `${stacks}x${runners}`, { stacks, runners }));
    scenarios.push(await prepare(ctx, `1x${stacks * runners}`, { stacks: 1, runners: stacks * runners }));
    ctx.log(
      `pipelines: applying ${stacks} stacks of ${runners} runners at once, beside one stack of ${stacks * runners} alone on its organization`,
    );
    const applies = await Promise.all(scenarios.map((sc) => applyPhase(ctx, sc)));
    ctx.log('pipelines: destroying both at once');
    const destroys = await Promise.all(scenarios.map((sc) => destroyPhase(ctx, sc)));
    const result = scenarios.map((sc, i) => ({
      stacks: sc.shape.stacks,
      runnersPerStack: sc.shape.runners,
      registered: sc.shape.stacks * sc.shape.runners,
      apply: applies[i],
      destroy: destroys[i].destroy,
      left: destroys[i].left,
    }));
    for (const sc of scenarios) {
      for (const s of sc.stacks) {
        fs.rmSync(path.dirname(path.dirname(s.dir)), { recursive: true, force: true });
        ctx.stateServer.forget(s.state);
      }
      fs.rmSync(sc.vmRoot, { recursive: true, force: true });
    }
    return { limits: LIMITS, latencyMs: LATENCY_MS, concurrent: result[0], alone: result[1] };
  } finally {
    await Promise.all(scenarios.map((sc) => sc.emulator.close()));
  }
}

module.exports = { runPipelines };
