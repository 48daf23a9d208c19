import { UsageError } from './errors';
import { looksLikeToken, TOKEN_IN_INPUT_HINT } from './credentials';

/** Flags that take no value. */
const BOOLEAN_FLAGS = new Set(['json', 'help', 'version', 'quiet', 'compute-checksum']);

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string>;
}

/**
 * `--flag value`, `--flag=value` and boolean `--json`/`--help`. A value that looks like a GitHub
 * token is refused here, before anything else, so that no code path ever holds a credential that
 * came from argv (it would be in shell history and in Terraform's provisioner logs).
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (looksLikeToken(arg)) {
      throw new UsageError(`an argument looks like a GitHub token: ${TOKEN_IN_INPUT_HINT}`);
    }
    if (arg === '-h') {
      flags.set('help', 'true');
    } else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (BOOLEAN_FLAGS.has(name)) {
        flags.set(name, eq >= 0 ? arg.slice(eq + 1) : 'true');
        continue;
      }
      let value: string;
      if (eq >= 0) {
        value = arg.slice(eq + 1);
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        value = argv[++i];
        if (looksLikeToken(value)) {
          throw new UsageError(`--${name} looks like a GitHub token: ${TOKEN_IN_INPUT_HINT}`);
        }
      }
      if (flags.has(name)) throw new UsageError(`--${name} is given twice`);
      flags.set(name, value);
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

/** Refuses flags the command does not know, so a typo is not silently ignored. */
export function checkFlags(args: ParsedArgs, allowed: readonly string[], command: string): void {
  for (const name of args.flags.keys()) {
    if (!allowed.includes(name) && !BOOLEAN_FLAGS.has(name)) {
      throw new UsageError(`${command} does not take --${name}; see --help`);
    }
  }
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v === undefined || v === '' ? undefined : v;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  const v = args.flags.get(name);
  return v !== undefined && v !== 'false' && v !== '0';
}

/** A non-negative number of seconds. */
export function secondsFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of seconds, got "${v}"`);
  return n;
}

/** Comma-separated list; empty items dropped. */
export function listValue(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
