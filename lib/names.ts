/**
 * Names both sides need: the constructs check them at synth time, the runtime at plan/apply
 * time (for values that were Terraform references at synth). No dependencies, so the runtime
 * bundle can include it.
 */

/** GitHub's platform names, and the names people use for them. */
export const OS_ALIASES: Readonly<Record<string, string>> = {
  linux: 'linux', osx: 'osx', macos: 'osx', darwin: 'osx', mac: 'osx', win: 'win', windows: 'win',
};
export const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x64: 'x64', amd64: 'x64', x86_64: 'x64', arm: 'arm', armv7: 'arm', armhf: 'arm', arm64: 'arm64', aarch64: 'arm64',
};

/** GitHub's name for an OS or architecture spelling, or undefined when it is not one. */
export function canonicalName(value: string, aliases: Readonly<Record<string, string>>): string | undefined {
  return aliases[value.trim().toLowerCase()];
}

/** The aliases of a table that are not GitHub's own names, for error messages. */
export function aliasList(aliases: Readonly<Record<string, string>>): string {
  return Object.keys(aliases).filter((a) => aliases[a] !== a).join(', ');
}

/** 127.0.0.0/8, localhost and ::1: the only hosts plain http is allowed to (the local emulator). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
