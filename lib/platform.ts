import { RUNNER_ARCH, RUNNER_OS } from './contract';
import { Token } from './cdktf';
import { ARCH_ALIASES, OS_ALIASES, aliasList, canonicalName } from './names';

function normalize(value: string, aliases: Readonly<Record<string, string>>, what: string, canonical: readonly string[]): string {
  if (Token.isUnresolved(value)) return value;
  const found = canonicalName(value, aliases);
  if (found === undefined) {
    throw new Error(`unknown ${what} "${value}": use one of ${canonical.join(', ')} (or ${aliasList(aliases)})`);
  }
  return found;
}

/** GitHub's OS name (linux, osx, win) for any accepted spelling. */
export function normalizeOs(os: string): string {
  return normalize(os, OS_ALIASES, 'operating system', RUNNER_OS);
}

/** GitHub's architecture name (x64, arm, arm64) for any accepted spelling. */
export function normalizeArch(arch: string): string {
  return normalize(arch, ARCH_ALIASES, 'architecture', RUNNER_ARCH);
}
