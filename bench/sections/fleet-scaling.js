// Item 8: how a fleet's state and Terraform's work grow with its size, for both runner modes.
// At each size, a fleet of JIT runners and, at the sizes given for it, one of registration-token
// runners (one organization each, every runner's install script in a stand-in VM's user data) are
// applied from an empty state, side by side where both run (both applies at once, then each
// re-plan of one beside one of the other, so the machine's load hits both alike), their states
// measured (bytes, and the dependencies each credentials resource records) and re-planned. The
// state is kept in an http backend (bench/lib/state-server.js), as a CI pipeline keeps it remotely.
'use strict';
const path = require('path');
const { measureOk, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { removeStack, scratch } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const APP = path.resolve(__dirname, '..', 'apps', 'library-fleet.js');
const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode'];
const MODES = ['token', 'jit'];

/**
 * The state's size and, for every runner's credentials resource, how many addresses it depends
 * on (Terraform records them per instance and rewrites them all whenever it writes the state).
 */
function stateFacts(text) {
  const deps = [];
  for (const r of JSON.parse(text).resources) {
    if (r.mode !== 'managed' || !/_Credentials_/.test(r.name)) continue;
    for (const inst of r.instances) deps.push((inst.dependencies ?? []).length);
  }
  return {
    stateBytes: Buffer.byteLength(text),
    credentials: deps.length,
    depsMax: deps.length ? Math.max(...deps) : 0,
    depsMedian: deps.length ? median(deps) : 0,
  };
}

/** The first Terraform error line of a failed run, without anything token-like. */
function failureLine(err) {
  const lines = String(err.message)
    .split('\n')
    .map((l) => l.replace(/^[│╷╵\s]+/, '').trim())
    .filter(Boolean);
  // An external program's failure ends with its own one-line message; otherwise Terraform's summary.
  const program = lines.find((l) => /^Error Message:/.test(l));
  const i = lines.findIndex((l) => /^Error:/.test(l));
  const text = program ?? (i >= 0 ? lines.slice(i, i + 3).join(' ') : lines[lines.length - 1]);
  return text.replace(/gh[pousr]_[A-Za-z0-9]+/g, 'gh*_***').slice(0, 400);
}

/** One mode's fleet of one size, synthesized and initialized (untimed). */
async function prepare(ctx, mode, runners) {
  const org = `bench-scale-${mode}-${runners}`;
  const out = scratch(`scale-${mode}-${runners}`);
  const state = `scale-${mode}-${runners}`;
  const args = [
    APP,
    '--runners',
    String(runners),
    '--vms',
    '--org',
    org,
    '--prefix',
    `scale-${mode}`,
    '--api-url',
    ctx.apiUrl,
    '--state-url',
    ctx.stateServer.url(state),
    '--out',
    out,
  ];
  if (mode === 'jit') args.push('--jit');
  await measureOk(process.execPath, args, { rss: false });
  const dir = path.join(out, 'stacks', 'fleet');
  await tf(ctx.tf.engine, ctx.tf.env, dir, ['init', '-input=false', '-no-color']);
  return { mode, runners, org, dir, state };
}

/** The first apply from an empty state; a failure is a measurement (its first error line), not a crash. */
async function apply(ctx, p) {
  const started = Date.now();
  try {
    await tf(ctx.tf.engine, ctx.tf.env, p.dir, APPLY);
    return { applyMs: Date.now() - started };
  } catch (err) {
    const failed = failureLine(err);
    ctx.log(`scaling ${p.mode} ${p.runners}: the first apply failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${failed}`);
    return { applyMs: Date.now() - started, failed };
  }
}

/** One re-plan, with the API requests it sent to its organization. */
async function replan(ctx, p) {
  const before = apiRequests(ctx.emulator).length;
  const r = await tf(ctx.tf.engine, ctx.tf.env, p.dir, PLAN, [0, 2]);
  const requests = apiRequests(ctx.emulator)
    .slice(before)
    .filter((q) => q.path.includes(`/orgs/${p.org}/`)).length;
  return { ms: r.ms, clean: r.code === 0, requests };
}

/**
 * Both modes at one size, side by side: their applies start together, then each re-plan of one
 * starts with one of the other, so both meet the same machine load.
 */
async function size(ctx, runners, reps, modes) {
  const fleets = [];
  try {
    for (const mode of modes) fleets.push(await prepare(ctx, mode, runners));
    const applies = await Promise.all(fleets.map((p) => apply(ctx, p)));
    const ok = fleets.filter((_, i) => !applies[i].failed);
    const plans = new Map(ok.map((p) => [p, []]));
    for (let rep = 0; rep < reps; rep++) {
      const round = await Promise.all(ok.map((p) => replan(ctx, p)));
      ok.forEach((p, i) => plans.get(p).push(round[i]));
    }
    return fleets.map((p, i) => {
      // What a failed apply left registered on GitHub (minted JIT runners not rolled back).
      if (applies[i].failed) return { mode: p.mode, runners, ...applies[i], leftRegistered: ctx.emulator.runners(`org:${p.org}`).length };
      const runs = plans.get(p);
      const row = {
        mode: p.mode,
        runners,
        applyMs: applies[i].applyMs,
        ...stateFacts(ctx.stateServer.state(p.state)),
        stateUploads: ctx.stateServer.uploads(p.state),
        planMs: median(runs.map((x) => x.ms)),
        planRequests: Math.max(...runs.map((x) => x.requests)),
        clean: runs.every((x) => x.clean),
        reps,
      };
      ctx.log(
        `scaling ${p.mode} ${runners}: applied in ${(row.applyMs / 1000).toFixed(1)} s; state ${(row.stateBytes / 1e6).toFixed(2)} MB, ` +
          `dependencies per credentials ${row.depsMedian} median / ${row.depsMax} max; re-plan ${(row.planMs / 1000).toFixed(2)} s${row.clean ? '' : ' (NOT clean)'}`,
      );
      return row;
    });
  } finally {
    for (const p of fleets) {
      removeStack(p.dir);
      ctx.stateServer.forget(p.state);
    }
  }
}

/**
 * JIT's goal, computed from the rows: the most dependencies a credentials resource records is
 * the same at the largest fleet as at the smallest, and the state's bytes per runner at the
 * largest fleet are within 1.5x of those at the next size down (linear, not N²).
 */
function linearVerdict(rows) {
  const ok = rows.filter((r) => !r.failed);
  const failed = rows.filter((r) => r.failed);
  if (ok.length < 2 || failed.length) return { ok: false, bytesRatio: NaN, failed: failed.map((r) => r.runners) };
  const [small, big] = [ok[0], ok[ok.length - 1]];
  const prev = ok[ok.length - 2];
  const bytesRatio = big.stateBytes / big.runners / (prev.stateBytes / prev.runners);
  const depsConstant = big.depsMax === small.depsMax;
  return { ok: depsConstant && bytesRatio <= 1.5 && ok.every((r) => r.clean), depsConstant, bytesRatio, failed: [] };
}

async function runFleetScaling(ctx) {
  const { jitSizes, tokenSizes, repsFor } = ctx.plan.scaling;
  const rows = [];
  for (const runners of [...new Set([...jitSizes, ...tokenSizes])].sort((a, b) => a - b)) {
    const modes = MODES.filter((m) => (m === 'jit' ? jitSizes : tokenSizes).includes(runners));
    rows.push(...(await size(ctx, runners, repsFor(runners), modes)));
  }
  const byMode = Object.fromEntries(MODES.map((m) => [m, rows.filter((r) => r.mode === m)]));
  return { jitSizes, tokenSizes, rows, verdict: { token: linearVerdict(byMode.token), jit: linearVerdict(byMode.jit) } };
}

module.exports = { runFleetScaling, linearVerdict, stateFacts };
