// Item 7: what a destroy costs at GitHub. Registration-token runners: N runners among 100 that
// are not the stack's, deleted by the runtime's `delete-runner` as Terraform's destroy
// provisioners run it (one process per runner, ten at a time), on a server that applies the
// list's `name` filter and on one that ignores it (bench/lib/destroy-cost.js). JIT runners: a
// fleet applied and destroyed by Terraform, its requests counted from the emulator's log.
'use strict';
const path = require('path');
const { measureOk } = require('../lib/measure');
const { apiRequests } = require('../lib/emulator');
const { measureTokenDestroy } = require('../lib/destroy-cost');
const { removeStack, scratch } = require('../lib/stacks');
const { tf } = require('../lib/terraform');

const APP = path.resolve(__dirname, '..', 'apps', 'library-fleet.js');
const JIT_ORG = 'bench-destroy-jit';

async function jitDestroy(ctx, runners) {
  const { engine, env } = ctx.tf;
  const out = scratch('destroy-jit');
  await measureOk(
    process.execPath,
    [APP, '--runners', String(runners), '--jit', '--org', JIT_ORG, '--prefix', 'jit-destroy', '--api-url', ctx.apiUrl, '--out', out],
    { rss: false },
  );
  const dir = path.join(out, 'stacks', 'fleet');
  try {
    await tf(engine, env, dir, ['init', '-input=false', '-no-color']);
    await tf(engine, env, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const registered = ctx.emulator.runners(`org:${JIT_ORG}`).length;
    const before = apiRequests(ctx.emulator).length;
    const r = await tf(engine, env, dir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    // The scaling section runs beside this one on the same emulator: count this organization's requests.
    const requests = apiRequests(ctx.emulator)
      .slice(before)
      .filter((q) => q.path.includes(`/orgs/${JIT_ORG}/`));
    const count = (test) => requests.filter(test).length;
    return {
      runners,
      registered,
      ms: r.ms,
      requests: requests.length,
      perRunner: requests.length / runners,
      lists: count((q) => q.method === 'GET'),
      deletes: count((q) => q.method === 'DELETE'),
      mints: count((q) => q.method === 'POST'),
      left: ctx.emulator.runners(`org:${JIT_ORG}`).length,
    };
  } finally {
    removeStack(dir);
  }
}

async function runDestroy(ctx) {
  const { runners, jitRunners } = ctx.plan.destroy;
  const token = [];
  for (const nameFilter of [true, false]) {
    ctx.log(`destroy: ${runners} registration-token runners, name filter ${nameFilter ? 'applied' : 'ignored'}`);
    const r = await measureTokenDestroy({ runners, nameFilter });
    ctx.log(
      `destroy: ${r.requests} requests (${r.perRunner.toFixed(2)} per runner), ${r.left} left, ${r.othersKept}/${r.others} others kept, ${r.failures.length} failures, ${r.seconds.toFixed(0)} s`,
    );
    if (r.failures.length) ctx.log(`destroy: first failure: ${r.failures[0]}`);
    token.push({ ...r, failures: r.failures.length, firstFailure: r.failures[0] });
  }
  ctx.log(`destroy: a JIT fleet of ${jitRunners}, applied then destroyed by terraform`);
  const jit = await jitDestroy(ctx, jitRunners);
  ctx.log(
    `destroy: JIT ${jit.requests} requests (${jit.perRunner.toFixed(2)} per runner), ${jit.mints} mints, ${jit.left} left, ${(jit.ms / 1000).toFixed(1)} s`,
  );
  return { token, jit };
}

module.exports = { runDestroy };
