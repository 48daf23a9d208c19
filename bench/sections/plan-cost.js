// Item 3: what one re-plan costs at GitHub: API requests (the emulator's request log) and
// runtime launches (a `node` first on Terraform's PATH that logs each launch, then execs the
// real node), for the library's shared per-scope sources against one token source per VM.
'use strict';
const fs = require('fs');
const path = require('path');
const { interleave, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { removeStack, scratch, synth } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode'];
const RATE_LIMIT = 5000;

function countingNode() {
  const dir = scratch('node-wrapper');
  const log = path.join(dir, 'launches.log');
  const wrapper = path.join(dir, 'node');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\n# counts runtime launches for the benchmark; arguments are a path and a subcommand, never secrets\necho "$2" >> '${log}'\nexec '${process.execPath}' "$@"\n`,
    { mode: 0o755 },
  );
  return { dir, log };
}

async function runPlanCost(ctx) {
  const { runners, reps, fleetForRateLimit } = ctx.plan.cost;
  const { engine } = ctx.tf;
  const counter = countingNode();
  const env = { ...ctx.tf.env, PATH: `${counter.dir}${path.delimiter}${process.env.PATH}` };
  const opts = { runners, vms: true, apiUrl: ctx.apiUrl };
  const dirs = { library: await synth('library', opts), perVm: await synth('perVm', opts) };
  for (const dir of Object.values(dirs)) {
    await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
    await tf(engine, env, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  }
  const samples = await interleave(['library', 'perVm'], reps, async (variant) => {
    ctx.emulator.clearRequests();
    fs.writeFileSync(counter.log, '');
    const r = await tf(engine, env, dirs[variant], PLAN, [0, 2]);
    const launches = fs
      .readFileSync(counter.log, 'utf8')
      .split('\n')
      .filter((l) => l === 'data').length;
    const requests = apiRequests(ctx.emulator);
    return {
      ms: r.ms,
      changes: r.code === 2,
      launches,
      requests: requests.length,
      tokenRequests: requests.filter((q) => q.path.endsWith('/registration-token')).length,
    };
  });
  for (const dir of Object.values(dirs)) removeStack(dir);
  removeStack(counter.log);
  const result = { runners, reps, fleetForRateLimit, rateLimit: RATE_LIMIT };
  for (const [variant, list] of Object.entries(samples)) {
    const max = (k) => Math.max(...list.map((x) => x[k]));
    result[variant] = {
      ms: median(list.map((x) => x.ms)),
      launches: max('launches'),
      requests: max('requests'),
      tokenRequests: max('tokenRequests'),
      changes: list.some((x) => x.changes),
    };
  }
  if (result.library.changes) throw new Error("the library fleet's re-plan proposes changes: a re-plan after apply must be clean");
  // Per scope for the library (measured constant in the plan benchmark), per VM for the other.
  result.library.requestsAtFleet = result.library.requests;
  result.perVm.requestsAtFleet = Math.round((result.perVm.requests / runners) * fleetForRateLimit);
  for (const v of ['library', 'perVm']) result[v].replansPerHour = Math.floor(RATE_LIMIT / result[v].requestsAtFleet);
  ctx.log(
    `re-plan cost, ${runners} runners: library ${result.library.requests} requests / ${result.library.launches} launches; ` +
      `per-VM tokens ${result.perVm.requests} requests / ${result.perVm.launches} launches${result.perVm.changes ? ' (and a diff on every VM)' : ''}`,
  );
  return result;
}

module.exports = { runPlanCost };
