// Item 2: `terraform plan` after apply (a re-plan) of N org runners, the library's stack against
// its floor (identical JSON, so the floor plans against a copy of the library's applied state),
// with the first apply's time and the state it leaves.
'use strict';
const fs = require('fs');
const path = require('path');
const { interleave, median } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { removeStack, sameTerraform, synth } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const PLAN = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode'];
const VARIANTS = ['library', 'floor'];

/** Size of the state file and the number of dependencies one runner's credentials record. */
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
    if (!sameTerraform(dirs.library, dirs.floor))
      throw new Error(`library and floor stacks of ${runners} runners differ: bring bench/apps/floor-fleet.js in line with lib/`);
    for (const dir of Object.values(dirs)) await tf(engine, env, dir, ['init', '-input=false', '-no-color']);

    ctx.log(`plan ${runners}: applying the library stack`);
    const applyMs = (await tf(engine, env, dirs.library, ['apply', '-auto-approve', '-input=false', '-no-color'])).ms;
    fs.copyFileSync(path.join(dirs.library, 'terraform.tfstate'), path.join(dirs.floor, 'terraform.tfstate'));
    ctx.log(`plan ${runners}: applied in ${(applyMs / 1000).toFixed(1)} s; re-planning`);

    const samples = await interleave(VARIANTS, repsFor(runners), async (variant) => {
      ctx.emulator.clearRequests();
      const r = await tf(engine, env, dirs[variant], PLAN, [0, 2]);
      if (r.code !== 0)
        throw new Error(
          `the re-plan of the ${variant} stack (${runners} runners) proposes changes; a re-plan after apply must be clean:\n${r.stdout.slice(-2000)}`,
        );
      return { ms: r.ms, requests: apiRequests(ctx.emulator).length };
    });
    const row = { runners, reps: samples.library.length, applyMs, state: stateFacts(dirs.library) };
    for (const v of VARIANTS)
      row[v] = { ms: median(samples[v].map((x) => x.ms)), requests: Math.max(...samples[v].map((x) => x.requests)) };
    row.ratio = row.library.ms / row.floor.ms;
    if (runners === sizes[0]) row.deferral = await deferralCheck(ctx, dirs.library, runners);
    rows.push(row);
    ctx.log(
      `plan ${runners}: library ${sec(row.library.ms)} / floor ${sec(row.floor.ms)} = ${row.ratio.toFixed(2)}x; ` +
        `state ${(row.state.stateBytes / 1e6).toFixed(2)} MB, ${row.state.credentialDeps} dependencies per credentials; ${row.library.requests} API request(s) per re-plan`,
    );
    for (const dir of Object.values(dirs)) removeStack(dir);
  }
  return { rows };
}

/**
 * The property the token source's design exists for: adding a runner to an applied fleet defers
 * the token read (and so the mint) to the apply; the plan sends no token request.
 */
async function deferralCheck(ctx, appliedDir, runners) {
  const { engine, env } = ctx.tf;
  const grown = await synth('library', { runners: runners + 1, vms: false, apiUrl: ctx.apiUrl });
  fs.copyFileSync(path.join(appliedDir, 'terraform.tfstate'), path.join(grown, 'terraform.tfstate'));
  await tf(engine, env, grown, ['init', '-input=false', '-no-color']);
  ctx.emulator.clearRequests();
  const r = await tf(engine, env, grown, PLAN, [0, 2]);
  const deferred = /RegistrationToken[^\n]*will be read during apply/.test(r.stdout);
  const tokenRequests = apiRequests(ctx.emulator).filter((q) => q.path.endsWith('/registration-token')).length;
  removeStack(grown);
  if (!deferred || tokenRequests !== 0)
    throw new Error(
      `adding a runner to ${runners} did not defer the token read to the apply (${tokenRequests} token request(s) during the plan)`,
    );
  return { deferred, tokenRequests };
}

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

module.exports = { runPlan };
