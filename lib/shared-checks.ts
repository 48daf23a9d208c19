/**
 * The checks both sides make: platform names (OS and architecture aliases), the loopback host
 * rule for plain http, the shape of GitHub tokens and the runner-name rule. The constructs check
 * literals at synth time, the runtime at plan/apply time (for values that were Terraform
 * references at synth). No imports, so the runtime bundle can include it.
 */

/** GitHub's platform names, and the names people use for them. */
export const OS_ALIASES: Readonly<Record<string, string>> = {
  linux: 'linux',
  osx: 'osx',
  macos: 'osx',
  darwin: 'osx',
  mac: 'osx',
  win: 'win',
  windows: 'win',
};
export const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x64: 'x64',
  amd64: 'x64',
  x86_64: 'x64',
  arm: 'arm',
  armv7: 'arm',
  armhf: 'arm',
  arm64: 'arm64',
  aarch64: 'arm64',
};

/** GitHub's name for an OS or architecture spelling, or undefined when it is not one. */
export function canonicalName(value: string, aliases: Readonly<Record<string, string>>): string | undefined {
  return aliases[value.trim().toLowerCase()];
}

/** The aliases of a table that are not GitHub's own names, for error messages. */
export function aliasList(aliases: Readonly<Record<string, string>>): string {
  return Object.keys(aliases)
    .filter((a) => aliases[a] !== a)
    .join(', ');
}

/**
 * A literal loopback address (127.0.0.0/8, ::1) or exactly `localhost`: the only hosts plain http
 * is allowed to (the local emulator). `*.localhost` names are not: they go through DNS.
 * `hostname` is as WHATWG URL parsing gives it (IPv4 shorthands normalized, IPv6 in brackets).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** What GitHub tokens look like (classic, OAuth, user, installation, refresh, fine-grained). */
export const TOKEN_PATTERN = /(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/;

const RUNNER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Longest base name of a JIT runner: the generation suffix adds 9 characters. */
export const MAX_JIT_BASE_NAME = 55;

/**
 * Why a runner name is refused, or undefined when it is fine: the one check of runner names, at
 * synth time (literals) and in the runtime (values that were Terraform references at synth).
 * A name shaped like a token is refused too: the runtime refuses token-shaped arguments, so such
 * a runner could never be deleted.
 */
export function runnerNameProblem(name: string, jit: boolean): string | undefined {
  if (!RUNNER_NAME.test(name)) return `invalid runner name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '-' or '_'`;
  if (TOKEN_PATTERN.test(name))
    return `runner name "${name}" looks like a GitHub token: choose another name (a token-shaped name is refused everywhere, so the runner could not be deleted)`;
  if (jit && name.length > MAX_JIT_BASE_NAME) {
    return `runner name "${name}" is too long for a jit runner: use at most ${MAX_JIT_BASE_NAME} characters (a 9-character generation suffix is appended)`;
  }
  return undefined;
}
