// Destroy cost at fleet size, shared by bench/destroy-cost.js and bench/sections/destroy.js:
// N registration-token runners (each carrying its identity's marker, as its VM registers it)
// among runners that are not the stack's, deleted by the runtime's `delete-runner` exactly as
// Terraform's destroy provisioners run it: one process per runner, ten at a time (terraform's
// default -parallelism), against a fresh emulator that applies the list's `name` filter or
// ignores it. Optionally the apply's `check-name` calls are counted first, the same way.
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME = path.join(ROOT, 'dist', 'runtime', 'runtime.js');
const ORG = 'bench-destroy';
const PARALLELISM = 10;

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNTIME, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Resolves { nameFilter, runners, others, checks, requests, perRunner, lists, deletes, left,
 * othersKept, failures, seconds }: `checks` is null unless asked for; `left` counts the fleet's
 * runners still registered after the destroy (must be 0), `othersKept` the bystanders (must be all).
 */
async function measureTokenDestroy({ runners, nameFilter, others = 100, parallelism = PARALLELISM, checks = false }) {
  const { startEmulator } = require(path.join(ROOT, 'dist', 'emulator'));
  const { ownerMarker } = require(path.join(ROOT, 'dist', 'contract'));
  const emulator = await startEmulator({ nameFilter, seed: { orgs: [ORG], repos: [], enterprises: [], rateLimit: 1_000_000_000 } });
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cgr-bench-destroy-cost-'));
  const env = { PATH: process.env.PATH, GITHUB_TOKEN: credential, XDG_CACHE_HOME: cache };
  const api = () => emulator.requests.filter((q) => !q.path.startsWith('/_emulator'));
  try {
    // Identities as Terraform's null_resource ids are: large decimal numbers, one per runner.
    const fleet = Array.from({ length: runners }, (_, i) => ({ name: `fleet-${i}`, identity: (10n ** 18n + BigInt(i)).toString() }));
    for (let i = 0; i < others; i++) emulator.createRunner(`org:${ORG}`, { name: `other-${i}`, status: 'online' });
    const failures = [];
    const parallel = async (sub, argsOf, ok) => {
      const queue = [...fleet];
      const started = Date.now();
      await Promise.all(
        Array.from({ length: parallelism }, async () => {
          for (let r = queue.shift(); r; r = queue.shift()) {
            const out = await run([sub, '--org', ORG, '--api-url', emulator.url, ...argsOf(r)], env);
            if (out.code !== 0 || !ok.test(out.stderr)) failures.push(`${r.name}: ${out.stderr.trim().split('\n')[0]}`);
          }
        }),
      );
      return (Date.now() - started) / 1000;
    };
    let checkRequests = null;
    if (checks) {
      // The apply: each new runner's credentials check that no runner of its name is someone else's.
      emulator.clearRequests();
      await parallel('check-name', (r) => ['--name', r.name, '--identity', r.identity], /^$/);
      checkRequests = api().length;
    }
    // The VMs register with their markers.
    for (const r of fleet)
      emulator.createRunner(`org:${ORG}`, { name: r.name, status: 'online', labels: ['linux', ownerMarker(r.identity)] });
    emulator.clearRequests();
    const seconds = await parallel(
      'delete-runner',
      (r) => ['--name', r.name, '--identity', r.identity, '--busy-timeout', '300'],
      /deleted runner/,
    );
    const requests = api();
    const lists = requests.filter((q) => q.method === 'GET').length;
    const all = emulator.runners(`org:${ORG}`);
    const left = all.filter((r) => r.name.startsWith('fleet-')).length;
    return {
      nameFilter,
      runners,
      others,
      parallelism,
      checks: checkRequests,
      requests: requests.length,
      perRunner: requests.length / runners,
      lists,
      deletes: requests.filter((q) => q.method === 'DELETE').length,
      left,
      othersKept: all.length - left,
      failures,
      seconds,
    };
  } finally {
    await emulator.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

module.exports = { measureTokenDestroy, PARALLELISM };
