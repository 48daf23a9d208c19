/**
 * An offline emulator of GitHub's self-hosted runner REST API (github.com and GHES layouts),
 * with runner archives whose stub scripts register against it. Every test, example and demo of
 * cdktf-github-runners runs against it. Node's http/crypto/zlib only: it ships in the runtime bundle.
 */
import * as http from 'http';
import { EmulatorCore } from './core';
import { checkFault } from './faults';
import { resolveSeed } from './seed';
import { handle } from './server';
import { Emulator, EmulatorOptions, Fault, SeedToken } from './types';

export * from './types';
export { Faults } from './faults';
export { DEFAULT_PLATFORMS, DEFAULT_RUNNER_VERSION, loadSeedFile } from './seed';

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const core = new EmulatorCore(resolveSeed(opts.seed));
  core.latencyMs = checkLatency(opts.latencyMs ?? 0);
  core.createScopes = opts.createScopes ?? true;
  core.ghesLegacy = opts.ghesLegacy ?? false;
  core.nameFilter = opts.nameFilter ?? !core.ghesLegacy;
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    handle(core, req, res).catch(() => res.destroy());
  });
  // Runner stubs and Octokit keep connections alive; a short timeout lets close() finish quickly.
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`The emulator cannot listen on ${host}:${opts.port ?? 0}: ${e.code ?? e.message}`)),
    );
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  core.hostPort = hostPort;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${hostPort}`,
    adminToken: core.adminToken,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
    clock: core.clock,
    get requests() {
      return core.requests;
    },
    clearRequests: () => {
      core.requests.length = 0;
    },
    addFault: (f: Fault) => core.faults.add(checkFault(f)),
    clearFaults: () => core.faults.clear(),
    setLatency: (ms: number) => {
      core.latencyMs = checkLatency(ms);
    },
    addToken: (t: SeedToken) => core.addToken(t),
    addScope: (scope: string) => core.addScope(scope),
    enterpriseId: (slug: string) => core.enterpriseId(slug),
    runners: (scope: string) => core.runners(scope),
    createRunner: (scope, r) => core.createRunner(scope, r),
    setRunnerState: (id, s) => core.setRunnerState(id, s),
    tamperDownloads: (on: boolean) => {
      core.downloads.tampered = on;
    },
    get tokensIssued() {
      return core.tokensIssued;
    },
    secondaryLimitStats: () =>
      core.secondary?.stats() ?? { hits: { concurrent: 0, 'content-per-minute': 0, 'content-per-hour': 0 }, peakConcurrent: 0 },
  };
}

function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`Latency ${ms} must be a non-negative number of milliseconds`);
  return ms;
}
