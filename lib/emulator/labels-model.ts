/**
 * GitHub's naming of runner operating systems, architectures and their default read-only labels.
 * Downloads say `osx`/`win`; runners say `macos`/`windows`; labels say `macOS`/`Windows`.
 */

export const DOWNLOAD_OS = ['linux', 'osx', 'win'] as const;
export const ARCHES = ['x64', 'arm', 'arm64'] as const;

const RUNNER_OS: Record<string, string> = { linux: 'linux', osx: 'macos', macos: 'macos', win: 'windows', windows: 'windows' };
const OS_LABEL: Record<string, string> = { linux: 'Linux', macos: 'macOS', windows: 'Windows' };
const ARCH_LABEL: Record<string, string> = { x64: 'X64', arm: 'ARM', arm64: 'ARM64' };

/** `linux`/`macos`/`windows` from any of GitHub's spellings; undefined when unknown. */
export function runnerOs(os: string): string | undefined {
  return RUNNER_OS[os.toLowerCase()];
}

export function isArch(arch: string): boolean {
  return (ARCHES as readonly string[]).includes(arch);
}

/** The read-only labels a runner gets at registration: self-hosted, OS and architecture. */
export function defaultLabelNames(os: string, arch: string): string[] {
  const names = ['self-hosted'];
  if (OS_LABEL[os]) names.push(OS_LABEL[os]);
  if (ARCH_LABEL[arch]) names.push(ARCH_LABEL[arch]);
  return names;
}

const READ_ONLY = new Set(['self-hosted', ...Object.values(OS_LABEL), ...Object.values(ARCH_LABEL)].map((s) => s.toLowerCase()));

/** Whether a label name is one of GitHub's default (read-only) label names. */
export function isDefaultLabelName(name: string): boolean {
  return READ_ONLY.has(name.toLowerCase());
}
