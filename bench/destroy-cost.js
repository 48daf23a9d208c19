#!/usr/bin/env node
// Destroy cost at fleet size, standalone (the destroy section of `npm run bench` measures the same
// without the apply's checks): N registration-token runners among 100 others, deleted by the
// runtime's `delete-runner` one process per runner, ten at a time, on a server that applies the
// list's `name` filter and on one that ignores it (bench/lib/destroy-cost.js). Prints the apply's
// check requests, the destroy's requests per runner, list requests, runners left, wall time.
// Usage: npm run build && node bench/destroy-cost.js [N=1000]
// (test/reliability/ownership.test.ts rows O6 and O7 check the same through a real Terraform at 150.)
'use strict';
const os = require('os');
const { measureTokenDestroy, PARALLELISM } = require('./lib/destroy-cost');

const N = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(N) || N < 1) {
  console.error(`destroy-cost: ${process.argv[2]} is not a runner count: give a positive integer such as 1000`);
  process.exit(2);
}

(async () => {
  const rows = [];
  for (const nameFilter of [true, false]) rows.push(await measureTokenDestroy({ runners: N, nameFilter, checks: true }));
  console.log(
    `destroy of ${N} registration-token runners among 100 others, ${PARALLELISM} processes at a time (${os.cpus().length} CPUs, node ${process.version})`,
  );
  console.log(
    '| server | apply checks: requests (per runner) | destroy: requests | per runner | list requests | deletes | runners left | others kept | failures | destroy wall time |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.nameFilter ? 'name filter applied' : 'name filter ignored'} | ${r.checks} (${(r.checks / N).toFixed(2)}) | ${r.requests} | ${r.perRunner.toFixed(2)} | ${r.lists} | ${r.deletes} | ${r.left} | ${r.othersKept} | ${r.failures.length} | ${r.seconds.toFixed(0)} s |`,
    );
  }
  for (const r of rows) for (const f of r.failures.slice(0, 5)) console.log(`failure: ${f}`);
  process.exitCode = rows.every((r) => r.left === 0 && r.othersKept === r.others && r.failures.length === 0 && r.perRunner <= 2) ? 0 : 1;
})().catch((err) => {
  console.error(`destroy-cost failed: ${err.message}`);
  process.exitCode = 1;
});
