// Item 2: `terraform plan` after apply (a re-plan) of N org runners, the library's stack against
// its floor (identical JSON, so the floor plans against a copy of the library's applied state)
// and against the library's JSON with the proposed epoch fix (applied on its own).
'use strict';
const fs = require('fs');
const path = require('path');
const { interleave, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { derivedStack, removeStack, sameTerraform, synth, withEpoch } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode'];
const VARIANTS = ['library', 'floor', 'fix'];

function stateFacts(dir) {
  const text = fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8');
  const credentials = JSON.parse(text).resources.find((r) => /_Credentials_/.test(r.name));
  return { stateBytes: Buffer.byteLength(text), credentialDeps: credentials ? credentials.instances[0].dependencies.length : 0 };
}

async function runPlan(ctx) {
  const { sizes, repsFor } = ctx.plan.plan;
  const { engine, env } = ctx.tf;
  const rows = [];
  for (const runners of sizes) {
    const opts = { runners, vms: false, apiUrl: ctx.apiUrl };
    const dirs = { library: await synth('library', opts), floor: await synth('floor', opts) };
    if (!sameTerraform(dirs.library, dirs.floor)) throw new Error(`library and floor stacks of ${runners} runners differ: bring bench/apps/floor-fleet.js in line with lib/`);
    dirs.fix = derivedStack(dirs.library, withEpoch, 'fix');
    for (const dir of Object.values(dirs)) await tf(engine, env, dir, ['init', '-input=false', '-no-color']);

    ctx.log(`plan ${runners}: applying the library stack${runners >= 500 ? ' (minutes at this size: see the plan section of docs/benchmarks.md)' : ''}`);
    const apply = {};
    apply.library = (await tf(engine, env, dirs.library, ['apply', '-auto-approve', '-input=false', '-no-color'])).ms;
    fs.copyFileSync(path.join(dirs.library, 'terraform.tfstate'), path.join(dirs.floor, 'terraform.tfstate'));
    ctx.log(`plan ${runners}: library applied in ${(apply.library / 1000).toFixed(1)} s; applying the epoch-fix stack`);
    apply.fix = (await tf(engine, env, dirs.fix, ['apply', '-auto-approve', '-input=false', '-no-color'])).ms;

    const samples = await interleave(VARIANTS, repsFor(runners), async (variant) => {
      ctx.emulator.clearRequests();
      const r = await tf(engine, env, dirs[variant], PLAN, [0, 2]);
      if (r.code !== 0) throw new Error(`the re-plan of the ${variant} stack (${runners} runners) proposes changes; a re-plan after apply must be clean:\n${r.stdout.slice(-2000)}`);
      return { ms: r.ms, requests: apiRequests(ctx.emulator).length };
    });
    const row = { runners, reps: samples.library.length, apply, state: { library: stateFacts(dirs.library), fix: stateFacts(dirs.fix) } };
    for (const v of VARIANTS) row[v] = { ms: median(samples[v].map((x) => x.ms)), requests: Math.max(...samples[v].map((x) => x.requests)) };
    row.ratio = row.library.ms / row.floor.ms;
    row.fixRatio = row.library.ms / row.fix.ms;
    if (runners === sizes[0]) row.deferral = await deferralCheck(ctx, dirs, runners);
    rows.push(row);
    ctx.log(`plan ${runners}: library ${sec(row.library.ms)} / floor ${sec(row.floor.ms)} = ${row.ratio.toFixed(2)}x; epoch fix ${sec(row.fix.ms)}; ` +
      `state ${(row.state.library.stateBytes / 1e6).toFixed(1)} MB (fix ${(row.state.fix.stateBytes / 1e6).toFixed(2)} MB); ${row.library.requests} API request(s) per re-plan`);
    for (const dir of Object.values(dirs)) removeStack(dir);
  }
  return { rows };
}

/**
 * The property the library's design exists for, checked for the fix too: adding a runner to an
 * applied fleet defers the token read (and so the mint) to the apply.
 */
async function deferralCheck(ctx, dirs, runners) {
  const { engine, env } = ctx.tf;
  const grown = await synth('library', { runners: runners + 1, vms: false, apiUrl: ctx.apiUrl });
  const result = {};
  for (const [variant, transform] of [['library', (j) => j], ['fix', withEpoch]]) {
    const dir = derivedStack(grown, transform, `grow-${variant}`);
    fs.copyFileSync(path.join(dirs[variant], 'terraform.tfstate'), path.join(dir, 'terraform.tfstate'));
    await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
    ctx.emulator.clearRequests();
    const r = await tf(engine, env, dir, PLAN, [0, 2]);
    const deferred = /RegistrationToken[^\n]*will be read during apply/.test(r.stdout);
    result[variant] = { deferred, requests: apiRequests(ctx.emulator).length };
    removeStack(dir);
  }
  removeStack(grown);
  if (!result.library.deferred) throw new Error('adding a runner did not defer the library\'s token read to the apply: the deferral check itself is broken');
  return result;
}

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

module.exports = { runPlan };
