import { RUNNER_ARCH, RUNNER_OS } from './contract';
import { Token } from './cdktf';

/** GitHub's platform names, and the names people use for them. */
const OS_ALIASES: Record<string, string> = {
  linux: 'linux', osx: 'osx', macos: 'osx', darwin: 'osx', mac: 'osx', win: 'win', windows: 'win',
};
const ARCH_ALIASES: Record<string, string> = {
  x64: 'x64', amd64: 'x64', x86_64: 'x64', arm: 'arm', armv7: 'arm', armhf: 'arm', arm64: 'arm64', aarch64: 'arm64',
};

function normalize(value: string, aliases: Record<string, string>, what: string, canonical: readonly string[]): string {
  if (Token.isUnresolved(value)) return value;
  const found = aliases[value.toLowerCase()];
  if (found === undefined) {
    throw new Error(`unknown ${what} "${value}": use one of ${canonical.join(', ')} (or ${Object.keys(aliases).filter((a) => !canonical.includes(a)).join(', ')})`);
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
