#!/usr/bin/env node
// Destroy cost at fleet size: N registration-token runners (each carrying its identity's marker,
// as its VM registers it) among 100 runners that are not the stack's, deleted by the runtime's
// `delete-runner` exactly as Terraform's destroy provisioners run it: one process per runner, ten
// at a time (terraform's default -parallelism), on a server that applies the list's `name` filter
// and on one that ignores it. Prints requests per runner, list requests, runners left, wall time.
// Usage: npm run build && node bench/destroy-cost.js [N=1000]
// (test/reliability/ownership.test.ts rows O6 and O7 check the same through a real Terraform at 150.)
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const RUNTIME = path.join(ROOT, 'dist', 'runtime', 'runtime.js');
const { startEmulator } = require(path.join(ROOT, 'dist', 'emulator'));
const { ownerMarker } = require(path.join(ROOT, 'dist', 'contract'));

const N = Number(process.argv[2] ?? 1000);
const PARALLELISM = 10;

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNTIME, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function measure(nameFilter) {
  const emulator = await startEmulator({ nameFilter, seed: { orgs: ['bench-org'], repos: [], enterprises: [], rateLimit: 1_000_000_000 } });
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'destroy-cost-'));
  const env = { PATH: process.env.PATH, GITHUB_TOKEN: credential, XDG_CACHE_HOME: cache };
  try {
    const fleet = Array.from({ length: N }, (_, i) => ({ name: `fleet-${i}`, identity: String(1e18 + i) }));
    for (let i = 0; i < 100; i++) emulator.createRunner('org:bench-org', { name: `other-${i}`, status: 'online' });
    const failures = [];
    const parallel = async (sub, argsOf, ok) => {
      const queue = [...fleet];
      const started = Date.now();
      await Promise.all(Array.from({ length: PARALLELISM }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const out = await run([sub, '--org', 'bench-org', '--api-url', emulator.url, ...argsOf(r)], env);
          if (out.code !== 0 || !ok.test(out.stderr)) failures.push(`${r.name}: ${out.stderr.trim()}`);
        }
      }));
      return (Date.now() - started) / 1000;
    };
    // The apply: each new runner's credentials check that no runner of its name is someone else's.
    emulator.clearRequests();
    await parallel('check-name', (r) => ['--name', r.name, '--identity', r.identity], /^$/);
    const checks = emulator.requests.filter((q) => !q.path.startsWith('/_emulator')).length;
    // The VMs register with their markers.
    for (const r of fleet) emulator.createRunner('org:bench-org', { name: r.name, status: 'online', labels: ['linux', ownerMarker(r.identity)] });
    emulator.clearRequests();
    const seconds = await parallel('delete-runner', (r) => ['--name', r.name, '--identity', r.identity, '--busy-timeout', '300'], /deleted runner/);
    const api = emulator.requests.filter((q) => !q.path.startsWith('/_emulator'));
    const lists = api.filter((q) => q.method === 'GET').length;
    const left = emulator.runners('org:bench-org').filter((r) => r.name.startsWith('fleet-')).length;
    const others = emulator.runners('org:bench-org').length - left;
    return { nameFilter, checks, requests: api.length, perRunner: api.length / N, lists, deletes: api.length - lists, left, others, failures, seconds };
  } finally {
    await emulator.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

(async () => {
  const rows = [];
  for (const nameFilter of [true, false]) rows.push(await measure(nameFilter));
  console.log(`destroy of ${N} registration-token runners among 100 others, ${PARALLELISM} processes at a time (${os.cpus().length} CPUs, node ${process.version})`);
  console.log('| server | apply checks: requests (per runner) | destroy: requests | per runner | list requests | deletes | runners left | others kept | failures | destroy wall time |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.nameFilter ? 'name filter applied' : 'name filter ignored'} | ${r.checks} (${(r.checks / N).toFixed(2)}) | ${r.requests} | ${r.perRunner.toFixed(2)} | ${r.lists} | ${r.deletes} | ${r.left} | ${r.others} | ${r.failures.length} | ${r.seconds.toFixed(0)} s |`);
  }
  for (const r of rows) for (const f of r.failures.slice(0, 5)) console.log(`failure: ${f}`);
  process.exitCode = rows.every((r) => r.left === 0 && r.others === 100 && r.failures.length === 0 && r.perRunner <= 2) ? 0 : 1;
})();
