import { classicToken } from './ids';
import { startEmulator } from './index';
import { loadSeedFile } from './seed';
import { EmulatorSeed } from './types';

const USAGE = 'emulator [--port N] [--seed FILE] [--latency MS]';
/** Everything a person might try with the printed token. */
const ALL_SCOPES = ['repo', 'admin:org', 'manage_runners:org', 'manage_runners:enterprise', 'admin:enterprise', 'workflow'];

export interface EmulatorCliIo {
  /** One line of stdout (default: process.stdout). */
  stdout?: (line: string) => void;
  /** One line of diagnostics (default: process.stderr). */
  stderr?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Stops the emulator like SIGINT/SIGTERM do (for in-process callers). */
  signal?: AbortSignal;
}

interface CliOptions {
  port: number;
  seed?: EmulatorSeed;
  latencyMs: number;
}

function parse(argv: string[]): CliOptions | 'help' {
  const opts: CliOptions = { port: 0, latencyMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`emulator: ${flag} needs a value; usage: ${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`emulator: --port ${v} is not a port number (0-65535)`);
        opts.port = Number(v);
        break;
      }
      case '--latency': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new Error(`emulator: --latency ${v} is not a number of milliseconds`);
        opts.latencyMs = Number(v);
        break;
      }
      case '--seed':
        opts.seed = loadSeedFile(value());
        break;
      default:
        throw new Error(`emulator: unknown argument '${arg}'; usage: ${USAGE}`);
    }
  }
  return opts;
}

/**
 * `emulator [--port N] [--seed FILE] [--latency MS]`: serves on 127.0.0.1, prints its base URL
 * as the first stdout line, and runs until SIGINT/SIGTERM. GITHUB_TOKEN from the environment
 * becomes an all-scopes classic PAT; without one, a generated token is printed once as
 * `GITHUB_TOKEN=...` so a person can use it. The admin token of the `/_emulator/` controls goes to
 * stderr as `EMULATOR_ADMIN_TOKEN=...`.
 */
export async function runEmulatorCli(argv: string[], io: EmulatorCliIo = {}): Promise<void> {
  const out = io.stdout ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = io.stderr ?? ((l: string) => process.stderr.write(`${l}\n`));
  const env = io.env ?? process.env;
  const opts = parse(argv);
  if (opts === 'help') {
    out(`usage: ${USAGE}`);
    return;
  }
  const emulator = await startEmulator({ port: opts.port, seed: opts.seed, latencyMs: opts.latencyMs });
  const fromEnv = env.GITHUB_TOKEN;
  const token = fromEnv || classicToken();
  emulator.addToken({ token, kind: 'classic', scopes: ALL_SCOPES });
  out(emulator.url);
  if (!fromEnv) out(`GITHUB_TOKEN=${token}`);
  err(`GitHub runner API emulator on ${emulator.url} (GHES layout: ${emulator.url}/api/v3); stop with Ctrl-C`);
  err(`EMULATOR_ADMIN_TOKEN=${emulator.adminToken} (send "Authorization: Bearer ..." to the /_emulator/ controls)`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  await emulator.close();
}
