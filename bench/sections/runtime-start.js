// Item 4: one data-source invocation of the bundled runtime against `node -e 0`, interleaved,
// with the runtime's load alone (--version) and a minimal hand-written data source as context.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { interleave, measure, measureTimers, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');

async function runRuntimeStart(ctx) {
  const { reps } = ctx.plan.runtime;
  const bundle = path.join(ctx.root, 'dist', 'runtime', 'runtime.js');
  const minimal = path.join(__dirname, '..', 'apps', 'minimal-data-source.js');
  const env = { ...process.env, GITHUB_TOKEN: ctx.credential };
  const query = JSON.stringify({
    operation: 'registration-token',
    contract_version: '1',
    api_url: ctx.apiUrl,
    credential_env: '',
    org: ctx.org,
  });
  const variants = {
    nodeE0: ['-e', '0'],
    runtimeLoad: [bundle, '--version'],
    runtimeData: [bundle, 'data'],
    minimalData: [minimal],
  };
  ctx.emulator.clearRequests();
  const samples = await interleave(Object.keys(variants), reps, async (name) => {
    const r = await measure(process.execPath, variants[name], { env, input: query, rss: false });
    if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    if (name.endsWith('Data') && !JSON.parse(r.stdout).token) throw new Error(`${name} printed no token`);
    return r.ms;
  });
  // Where the call's idle time goes: zero-delay timers (Bottleneck's yields) waited on.
  const timerRuns = [];
  for (let i = 0; i < 5; i++) timerRuns.push(await measureTimers(variants.runtimeData, { env, input: query }));
  const requests = apiRequests(ctx.emulator).length - timerRuns.length;
  if (requests !== 2 * reps) throw new Error(`expected ${2 * reps} registration-token requests, the emulator logged ${requests}`);
  const code = fs.readFileSync(bundle);
  const result = { reps, bundleBytes: code.length, bundleGzipBytes: zlib.gzipSync(code, { level: 9 }).length };
  for (const name of Object.keys(variants)) result[name] = median(samples[name]);
  result.timers = { zeroDelay: median(timerRuns.map((t) => t.zeroDelay)), waitedMs: median(timerRuns.map((t) => t.waitedMs)) };
  result.ratio = result.runtimeData / result.nodeE0;
  // The spread of the ratio between interleaved rounds: how far noise alone moves it.
  const rounds = samples.runtimeData.map((ms, i) => ms / samples.nodeE0[i]).sort((a, b) => a - b);
  result.roundRatios = { p25: quantile(rounds, 0.25), p75: quantile(rounds, 0.75) };
  result.minimalRatio = result.minimalData / result.nodeE0;
  ctx.log(
    `runtime start: data ${result.runtimeData.toFixed(0)} ms vs node -e 0 ${result.nodeE0.toFixed(0)} ms = ${result.ratio.toFixed(2)}x ` +
      `(load alone ${result.runtimeLoad.toFixed(0)} ms, minimal data source ${result.minimalData.toFixed(0)} ms; ${reps} interleaved reps; ` +
      `${result.timers.zeroDelay} zero-delay timers waited ${result.timers.waitedMs.toFixed(0)} ms per call)`,
  );
  return result;
}

/** Linear-interpolated quantile of sorted numbers. */
function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

module.exports = { runRuntimeStart };
