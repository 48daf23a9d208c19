import { classicToken } from './ids';
import { startEmulator } from './index';
import { parseScopeRef } from './scope-routes';
import { loadSeedFile } from './seed';
import { EmulatorSeed } from './types';

const USAGE =
  'emulator [--port N] [--seed FILE] [--latency MS] [--org NAME] [--repo OWNER/NAME] [--enterprise SLUG] [--strict-scopes] [--ghes-legacy] [--no-name-filter]';

/** `emulator --help`: every flag, and the seed file's format. */
export const HELP = [
  `usage: ${USAGE}`,
  '',
  'An offline GitHub self-hosted runner REST API (github.com layout at /, GHES layout under /api/v3),',
  'for tests and demos. Prints its base URL on the first line of stdout, then GITHUB_TOKEN=... unless',
  'GITHUB_TOKEN is set (that value then works as a classic token with every runner scope). Ctrl-C stops it.',
  '',
  'flags:',
  '  --port N             listen on 127.0.0.1:N (default: a free port)',
  '  --seed FILE          start from a seed file (format below)',
  '  --latency MS         add MS milliseconds before every answer',
  '  --org NAME           create this organization (repeatable)',
  '  --repo OWNER/NAME    create this repository (repeatable)',
  '  --enterprise SLUG    create this enterprise (repeatable; ids are 1, 2, ... in creation order)',
  '  --strict-scopes      answer 404 for names not seeded or given by a flag (default: any enterprise,',
  '                       organization or repository name works and is created on first use)',
  '  --ghes-legacy        behave like the GHES of the REST reference: /downloads without sha256_checksum,',
  '                       the runner list ignores `name`, `public_repo` works for seed.publicRepos',
  '  --no-name-filter     only make the runner list ignore `name`',
  '  -h, --help           this text',
  '',
  'seed file (JSON, every field optional):',
  '  {',
  '    "enterprises": ["octo-enterprise"],        default ["octo-enterprise"]',
  '    "orgs": ["octo-org"],                      default ["octo-org"]',
  '    "repos": ["octo-org/octo-repo"],           default ["octo-org/octo-repo"]',
  '    "publicRepos": ["octo-org/site"],          public repositories (public_repo, with --ghes-legacy)',
  '    "tokens": [{ "token": "...", "kind": "classic", "scopes": ["repo", "admin:org"] },',
  '               { "token": "...", "kind": "fine-grained", "permissions": { "administration": "write" } }],',
  '    "apps": [{ "appId": "1", "installationId": "2", "publicKeyPem": "-----BEGIN PUBLIC KEY-----...",',
  '               "permissions": { "organization_self_hosted_runners": "write" } }],',
  '    "runnerVersion": "2.329.0",                the version /downloads offers',
  '    "platforms": ["linux/x64", "win/x64"],     offered os/arch (default: linux x64/arm/arm64, osx x64/arm64, win x64/arm64)',
  '    "runnerGroups": [{ "scope": "org:octo-org", "name": "linux-fleet" }],',
  '    "tempDownloadTokens": false,               GHES temp_download_token on downloads',
  '    "rateLimit": 5000                          requests per credential and hour',
  '  }',
  '',
  'Test controls (loopback only) live under /_emulator/; see dist/emulator/README.md in the package.',
].join('\n');
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
  scopes: string[];
  strictScopes: boolean;
  ghesLegacy: boolean;
  nameFilter?: boolean;
}

function parse(argv: string[]): CliOptions | 'help' {
  const opts: CliOptions = { port: 0, latencyMs: 0, scopes: [], strictScopes: false, ghesLegacy: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
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
      case '--org':
      case '--repo':
      case '--enterprise': {
        const kind = flag.slice(2) as 'org' | 'repo' | 'enterprise';
        const ref = `${kind}:${value()}`;
        parseScopeRef(ref);
        opts.scopes.push(ref);
        break;
      }
      case '--strict-scopes':
        opts.strictScopes = true;
        break;
      case '--ghes-legacy':
        opts.ghesLegacy = true;
        break;
      case '--no-name-filter':
        opts.nameFilter = false;
        break;
      default:
        throw new Error(`emulator: unknown argument '${arg}'; usage: ${USAGE}`);
    }
  }
  return opts;
}

/**
 * `emulator [flags]` (see HELP): serves on 127.0.0.1, prints its base URL
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
    out(HELP);
    return;
  }
  const emulator = await startEmulator({
    port: opts.port,
    seed: opts.seed,
    latencyMs: opts.latencyMs,
    createScopes: !opts.strictScopes,
    ghesLegacy: opts.ghesLegacy,
    nameFilter: opts.nameFilter,
  });
  for (const ref of opts.scopes) emulator.addScope(ref);
  const fromEnv = env.GITHUB_TOKEN;
  const token = fromEnv || classicToken();
  emulator.addToken({ token, kind: 'classic', scopes: ALL_SCOPES });
  out(emulator.url);
  if (!fromEnv) out(`GITHUB_TOKEN=${token}`);
  const mode = opts.ghesLegacy ? ' in GHES legacy mode' : '';
  const names = opts.strictScopes ? 'seeded names only' : 'any enterprise, organization or repository name works';
  err(`GitHub runner API emulator${mode} on ${emulator.url} (GHES layout: ${emulator.url}/api/v3; ${names}); stop with Ctrl-C`);
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
