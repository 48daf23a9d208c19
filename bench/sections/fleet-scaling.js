// Item 8: how a fleet's state and Terraform's work grow with its size, for both runner modes.
// At each size, a fleet of registration-token runners and one of JIT runners (one organization
// each, every runner's install script in a stand-in VM's user data) are applied from an empty
// state, their states measured (bytes, and the dependencies each credentials resource records),
// and re-planned; modes alternate at each size so that drift in the machine's load hits both.
'use strict';
const fs = require('fs');
const path = require('path');
const { measureOk, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { removeStack, scratch } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const APP = path.resolve(__dirname, '..', 'apps', 'mode-fleet.js');
const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode'];
const MODES = ['token', 'jit'];

/**
 * The state's size and, for every runner's credentials resource, how many addresses it depends
 * on (Terraform records them per instance and rewrites them all whenever it writes the state).
 */
function stateFacts(dir) {
  const text = fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8');
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
  const lines = String(err.message).split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim()).filter(Boolean);
  const i = lines.findIndex((l) => /^Error:/.test(l));
  const text = i >= 0 ? lines.slice(i, i + 3).join(' ') : lines[lines.length - 1];
  return text.replace(/gh[pousr]_[A-Za-z0-9]+/g, 'gh*_***').slice(0, 400);
}

async function point(ctx, mode, runners, reps) {
  const { engine, env } = ctx.tf;
  const org = `bench-scale-${mode}-${runners}`;
  const out = scratch(`scale-${mode}-${runners}`);
  const args = [APP, '--runners', String(runners), '--vms', '--org', org, '--prefix', `scale-${mode}`, '--api-url', ctx.apiUrl, '--out', out];
  if (mode === 'jit') args.push('--jit');
  await measureOk(process.execPath, args, { rss: false });
  const dir = path.join(out, 'stacks', 'fleet');
  try {
    await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
    const started = Date.now();
    try {
      await tf(engine, env, dir, APPLY);
    } catch (err) {
      const failed = failureLine(err);
      ctx.log(`scaling ${mode} ${runners}: the first apply failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${failed}`);
      return { mode, runners, applyMs: Date.now() - started, failed };
    }
    const applyMs = Date.now() - started;
    const state = stateFacts(dir);
    const plans = [];
    for (let rep = 0; rep < reps; rep++) {
      const before = apiRequests(ctx.emulator).length;
      const r = await tf(engine, env, dir, PLAN, [0, 2]);
      plans.push({ ms: r.ms, clean: r.code === 0, requests: apiRequests(ctx.emulator).length - before });
    }
    const row = {
      mode, runners, applyMs, ...state,
      planMs: median(plans.map((p) => p.ms)), planRequests: Math.max(...plans.map((p) => p.requests)),
      clean: plans.every((p) => p.clean), reps,
    };
    ctx.log(`scaling ${mode} ${runners}: applied in ${(applyMs / 1000).toFixed(1)} s; state ${(state.stateBytes / 1e6).toFixed(2)} MB, ` +
      `dependencies per credentials ${state.depsMedian} median / ${state.depsMax} max; re-plan ${(row.planMs / 1000).toFixed(2)} s${row.clean ? '' : ' (NOT clean)'}`);
    return row;
  } finally {
    removeStack(dir);
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
  const bytesRatio = (big.stateBytes / big.runners) / (prev.stateBytes / prev.runners);
  const depsConstant = big.depsMax === small.depsMax;
  return { ok: depsConstant && bytesRatio <= 1.5 && ok.every((r) => r.clean), depsConstant, bytesRatio, failed: [] };
}

async function runFleetScaling(ctx) {
  const { sizes, repsFor } = ctx.plan.scaling;
  const rows = [];
  for (const [i, runners] of sizes.entries()) {
    const order = i % 2 === 0 ? MODES : [...MODES].reverse();
    for (const mode of order) rows.push(await point(ctx, mode, runners, repsFor(runners)));
  }
  const byMode = Object.fromEntries(MODES.map((m) => [m, rows.filter((r) => r.mode === m)]));
  return { sizes, rows, verdict: { token: linearVerdict(byMode.token), jit: linearVerdict(byMode.jit) } };
}

module.exports = { runFleetScaling, linearVerdict, stateFacts };
