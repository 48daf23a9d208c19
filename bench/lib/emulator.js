// The offline GitHub API for the benchmarks: a fresh random credential per run (never printed),
// the bench organization, and no primary rate limit in the way of the fleet-sized runs.
'use strict';
const crypto = require('crypto');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH_ORG = 'bench-org';

async function startBenchEmulator() {
  const { startEmulator } = require(path.join(ROOT, 'dist', 'emulator'));
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const emulator = await startEmulator({ seed: { orgs: [BENCH_ORG], repos: [], enterprises: [], rateLimit: 1_000_000_000 } });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
  return { emulator, credential };
}

/** The GitHub API requests in the log (test controls under /_emulator excluded). */
function apiRequests(emulator) {
  return emulator.requests.filter((r) => !r.path.startsWith('/_emulator'));
}

module.exports = { startBenchEmulator, apiRequests, BENCH_ORG };
