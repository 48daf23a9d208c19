// Item 5: listing every runner of an organization of 10,000 (and of 1,000, for the growth)
// through the runtime's `runners` operation: requests, wall time and peak RSS, side by side with
// a minimal lister that holds only what the result needs (the memory floor).
'use strict';
const path = require('path');
const { interleave, measure, measureTimers, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');

async function runPagination(ctx) {
  const { counts, reps } = ctx.plan.pagination;
  const programs = {
    runtime: [path.join(ctx.root, 'dist', 'runtime', 'runtime.js'), 'data'],
    minimal: [path.join(__dirname, '..', 'apps', 'minimal-runners-list.js')],
  };
  const env = { ...process.env, GITHUB_TOKEN: ctx.credential };
  const orgs = {};
  for (const count of counts) {
    const org = `bench-pages-${count}`;
    ctx.emulator.addScope(`org:${org}`);
    for (let i = 1; i <= count; i++) {
      ctx.emulator.createRunner(`org:${org}`, {
        name: `pages-${i}`,
        labels: ['linux', 'x64', `pool-${i % 7}`],
        status: i % 3 ? 'online' : 'offline',
        busy: i % 5 === 0,
      });
    }
    orgs[count] = org;
  }
  const names = counts.flatMap((c) => Object.keys(programs).map((p) => `${p}:${c}`));
  const samples = await interleave(names, reps, async (name) => {
    const [program, key] = name.split(':');
    const query = JSON.stringify({ operation: 'runners', contract_version: '1', api_url: ctx.apiUrl, credential_env: '', org: orgs[key] });
    ctx.emulator.clearRequests();
    const r = await measure(process.execPath, programs[program], { env, input: query });
    if (r.code !== 0) throw new Error(`${program} listing of ${key} runners exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    const result = JSON.parse(r.stdout);
    if (result.count !== key || JSON.parse(result.runners_json).length !== Number(key))
      throw new Error(`the ${program} listing of ${key} runners returned ${result.count}`);
    return { ms: r.ms, maxRssKb: r.maxRssKb, requests: apiRequests(ctx.emulator).length, resultBytes: Buffer.byteLength(r.stdout) };
  });
  const summary = (list) => ({
    requests: Math.max(...list.map((x) => x.requests)),
    ms: median(list.map((x) => x.ms)),
    maxRssKb: list[0].maxRssKb === null ? null : median(list.map((x) => x.maxRssKb)),
    resultBytes: list[0].resultBytes,
  });
  const rows = counts.map((count) => ({
    runners: count,
    reps,
    ...summary(samples[`runtime:${count}`]),
    minimal: summary(samples[`minimal:${count}`]),
  }));
  const largest = counts[counts.length - 1];
  const t = await measureTimers(programs.runtime, {
    env,
    input: JSON.stringify({ operation: 'runners', api_url: ctx.apiUrl, org: orgs[largest] }),
  });
  const timers = { runners: largest, zeroDelay: t.zeroDelay, waitedMs: t.waitedMs, ms: t.ms };
  for (const row of rows) {
    ctx.log(
      `pagination ${row.runners}: ${row.requests} requests, ${row.ms.toFixed(0)} ms, peak RSS ${row.maxRssKb === null ? 'n/a' : `${(row.maxRssKb / 1024).toFixed(0)} MB`}, result ${(row.resultBytes / 1e6).toFixed(2)} MB` +
        (row.maxRssKb === null ? '' : ` (minimal lister ${(row.minimal.maxRssKb / 1024).toFixed(0)} MB, ${row.minimal.requests} requests)`),
    );
  }
  ctx.log(
    `pagination ${largest}: ${timers.zeroDelay} zero-delay timers waited ${timers.waitedMs.toFixed(0)} ms of a ${timers.ms.toFixed(0)} ms run`,
  );
  return { rows, timers };
}

module.exports = { runPagination };
