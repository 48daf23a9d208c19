// Item 6: several pipelines at once against one organization's budgets. K stacks of N runners
// (half registration-token, half JIT, each with a stand-in VM that runs its install script) are
// applied concurrently, then destroyed concurrently, against an emulator enforcing GitHub's
// primary limit and secondary limits for one credential; the reference is one stack of K x N
// runners applied and destroyed alone under the same limits. Each scenario gets a fresh emulator,
// so both start with full budgets.
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
const LIMITS = { rateLimit: 5000, secondaryLimits: { maxConcurrent: 100, contentPerMinute: 80, contentPerHour: 500, retryAfterSeconds: 60 } };

async function limitedEmulator(root) {
  const { startEmulator } = require(path.join(root, 'dist', 'emulator'));
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const emulator = await startEmulator({ seed: { orgs: [BENCH_ORG], repos: [], enterprises: [], rateLimit: LIMITS.rateLimit, secondaryLimits: LIMITS.secondaryLimits } });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
  return { emulator, credential };
}

/** What the API saw in one phase: requests, writes, refusals by limit. */
function phaseFacts(emulator, before) {
  const requests = apiRequests(emulator).slice(before.requests);
  const stats = emulator.secondaryLimitStats();
  const hits = Object.fromEntries(Object.entries(stats.hits).map(([k, v]) => [k, v - before.hits[k]]));
  return {
    requests: requests.length,
    writes: requests.filter((r) => r.method !== 'GET').length,
    refused: requests.filter((r) => r.status === 403 || r.status === 429).length,
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

async function scenario(ctx, label, shape) {
  const { engine } = ctx.tf;
  const { emulator, credential } = await limitedEmulator(ctx.root);
  const env = { ...ctx.tf.env, GITHUB_TOKEN: credential };
  try {
    const vmRoot = scratch('vms');
    const stacks = [];
    for (let k = 1; k <= shape.stacks; k++) {
      const out = scratch(`pipeline-${k}`);
      const pipeline = shape.stacks === 1 ? 'solo' : `p${k}`;
      await measureOk(process.execPath, [APP, '--runners', String(shape.runners), '--pipeline', pipeline, '--api-url', emulator.url, '--vm-root', vmRoot, '--out', out], { rss: false });
      const dir = path.join(out, 'stacks', 'fleet');
      await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
      stacks.push({ dir, pipeline, runners: shape.runners });
    }
    ctx.log(`pipelines ${label}: applying ${shape.stacks} stack(s) of ${shape.runners} runners at once`);
    let before = mark(emulator);
    let t = Date.now();
    await Promise.all(stacks.map((s) => tf(engine, env, s.dir, APPLY)));
    const apply = { ms: Date.now() - t, ...phaseFacts(emulator, before) };
    // A JIT runner's run.sh starts in the background: give the last ones a moment to come online.
    let problems = checkFleet(emulator, stacks);
    for (let waited = 0; problems.length > 0 && waited < 60_000; waited += 500) {
      await new Promise((r) => setTimeout(r, 500));
      problems = checkFleet(emulator, stacks);
    }
    if (problems.length > 0) throw new Error(`pipelines ${label}: after the apply, ${problems.slice(0, 5).join('; ')}`);
    ctx.log(`pipelines ${label}: applied in ${(apply.ms / 1000).toFixed(1)} s, ${apply.requests} requests, ${apply.refused} refused; destroying at once`);
    before = mark(emulator);
    t = Date.now();
    await Promise.all(stacks.map((s) => tf(engine, env, s.dir, DESTROY)));
    const destroy = { ms: Date.now() - t, ...phaseFacts(emulator, before) };
    const left = emulator.runners(`org:${BENCH_ORG}`).length;
    if (left !== 0) throw new Error(`pipelines ${label}: ${left} runner(s) left registered after the destroys`);
    ctx.log(`pipelines ${label}: destroyed in ${(destroy.ms / 1000).toFixed(1)} s, ${destroy.requests} requests, ${destroy.refused} refused; 0 runners left`);
    for (const s of stacks) fs.rmSync(path.dirname(path.dirname(s.dir)), { recursive: true, force: true });
    fs.rmSync(vmRoot, { recursive: true, force: true });
    return { stacks: shape.stacks, runnersPerStack: shape.runners, apply, destroy, registered: shape.stacks * shape.runners, left };
  } finally {
    await emulator.close();
  }
}

async function runPipelines(ctx) {
  const { stacks, runners } = ctx.plan.pipelines;
  const concurrent = await scenario(ctx, `${stacks}x${runners}`, { stacks, runners });
  const alone = await scenario(ctx, `1x${stacks * runners}`, { stacks: 1, runners: stacks * runners });
  return { limits: LIMITS, concurrent, alone };
}

module.exports = { runPipelines };
