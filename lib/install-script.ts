import { Fn, Token } from './cdktf';
import { joinList, validateInstallScript } from './validation';

/**
 * Renders what a VM's user data runs to become a runner: bash for linux and osx, PowerShell for
 * windows. Values travel base64-encoded and reach the runner through its environment, never argv:
 * why, in docs/decisions.md ("Security" and "Notes moved from code comments").
 */

/** Options of `installScript()`. */
export interface InstallScriptOptions {
  /**
   * Folder the runner is extracted into and runs from.
   * @default "/opt/actions-runner" on linux, "/usr/local/actions-runner" on osx, "C:\\actions-runner" on windows
   */
  readonly installDir?: string;
  /**
   * Local user the runner runs as (linux and osx); the script runs `config.sh` as that user.
   * @default - the user running the script (root is allowed through RUNNER_ALLOW_RUNASROOT)
   */
  readonly runAsUser?: string;
  /**
   * Install and start the runner as a service (`svc.sh`, or `--runasservice` on windows).
   * When false, the runner is started in the background.
   * @default true
   */
  readonly service?: boolean;
}

/** Everything a script needs; values may be Terraform references. @internal */
export interface InstallScriptInput {
  readonly os: string;
  readonly downloadUrl: string;
  readonly sha256Checksum: string;
  readonly tempDownloadToken: string;
  readonly pinned: boolean;
  readonly runnerUrl: string;
  /** Registration token, or empty for a JIT runner. */
  readonly token: string;
  /** JIT configuration, or empty for a registration-token runner. */
  readonly jitConfig: string;
  readonly jit: boolean;
  readonly name: string;
  readonly labels?: string[];
  readonly runnerGroup?: string;
  readonly workFolder?: string;
  readonly ephemeral: boolean;
  readonly noDefaultLabels: boolean;
}

const DEFAULT_DIR: Record<string, string> = {
  linux: '/opt/actions-runner',
  osx: '/usr/local/actions-runner',
  win: 'C:\\actions-runner',
};

/** The runner's environment inputs (actions/runner reads `ACTIONS_RUNNER_INPUT_<NAME>`). */
export const RunnerInput = {
  URL: 'ACTIONS_RUNNER_INPUT_URL',
  TOKEN: 'ACTIONS_RUNNER_INPUT_TOKEN',
  NAME: 'ACTIONS_RUNNER_INPUT_NAME',
  LABELS: 'ACTIONS_RUNNER_INPUT_LABELS',
  RUNNER_GROUP: 'ACTIONS_RUNNER_INPUT_RUNNERGROUP',
  WORK: 'ACTIONS_RUNNER_INPUT_WORK',
  JIT_CONFIG: 'ACTIONS_RUNNER_INPUT_JITCONFIG',
} as const;

/**
 * Base64 of a value: computed now for a literal, by Terraform (`base64encode()`) at apply time
 * for a reference. Either way the script holds only [A-Za-z0-9+/=].
 */
export function base64Of(value: string): string {
  return Token.isUnresolved(value) ? Fn.base64encode(value) : Buffer.from(value, 'utf8').toString('base64');
}

/**
 * A value as one single-quoted POSIX shell word: a `'` inside becomes `'"'"'`. For a Terraform
 * reference Terraform does the replacing (`replace()`), so a value known only at apply time is
 * quoted too. (Not `'\\''`: cdktf does not escape a backslash in a function argument.)
 */
export function posixQuote(value: string): string {
  const escaped = Token.isUnresolved(value) ? Fn.replace(value, "'", Fn.rawString(`'"'"'`)) : value.replace(/'/g, `'"'"'`);
  return `'${escaped}'`;
}

export function renderInstallScript(input: InstallScriptInput, options: InstallScriptOptions = {}): string {
  validateInstallScript(input.os, options, Object.keys(DEFAULT_DIR));
  const dir = options.installDir ?? DEFAULT_DIR[input.os];
  const service = options.service ?? true;
  return input.os === 'win' ? powershell(input, dir, service) : bash(input, dir, service, options.runAsUser);
}

/** One runner input: its environment variable, the script variables holding it, its value. */
interface RunnerValue {
  readonly env: string;
  readonly bashVar: string;
  readonly psVar: string;
  readonly value: string;
}

/** `config.sh`/`config.cmd` inputs (URL, token, name, labels, group, work folder), all through the environment. */
function configInputs(input: InstallScriptInput): RunnerValue[] {
  const values: RunnerValue[] = [
    { env: RunnerInput.URL, bashVar: 'RUNNER_URL', psVar: 'RunnerUrl', value: input.runnerUrl },
    { env: RunnerInput.TOKEN, bashVar: 'RUNNER_TOKEN', psVar: 'RunnerToken', value: input.token },
    { env: RunnerInput.NAME, bashVar: 'RUNNER_NAME', psVar: 'RunnerName', value: input.name },
  ];
  if (input.labels && input.labels.length > 0)
    values.push({ env: RunnerInput.LABELS, bashVar: 'RUNNER_LABELS', psVar: 'RunnerLabels', value: joinList(input.labels) });
  if (input.runnerGroup !== undefined)
    values.push({ env: RunnerInput.RUNNER_GROUP, bashVar: 'RUNNER_GROUP', psVar: 'RunnerGroup', value: input.runnerGroup });
  if (input.workFolder !== undefined)
    values.push({ env: RunnerInput.WORK, bashVar: 'RUNNER_WORK', psVar: 'RunnerWork', value: input.workFolder });
  return values;
}

/** What both scripts decode first: where to install, and the archive to fetch and verify. */
function downloadValues(input: InstallScriptInput, dir: string): Omit<RunnerValue, 'env'>[] {
  return [
    { bashVar: 'RUNNER_DIR', psVar: 'RunnerDir', value: dir },
    { bashVar: 'DOWNLOAD_URL', psVar: 'DownloadUrl', value: input.downloadUrl },
    { bashVar: 'EXPECTED_SHA256', psVar: 'ExpectedSha256', value: input.sha256Checksum },
    { bashVar: 'DOWNLOAD_TOKEN', psVar: 'DownloadToken', value: input.tempDownloadToken },
  ];
}

function jitInput(input: InstallScriptInput): RunnerValue {
  return { env: RunnerInput.JIT_CONFIG, bashVar: 'JIT_CONFIG', psVar: 'JitConfig', value: input.jitConfig };
}

/** Literal `config.sh`/`config.cmd` flags: the only things on the runner's command line. */
function configFlags(input: InstallScriptInput): string[] {
  const flags = ['--unattended', '--replace'];
  if (input.ephemeral) flags.push('--ephemeral');
  if (input.noDefaultLabels) flags.push('--no-default-labels');
  if (input.pinned) flags.push('--disableupdate');
  return flags;
}

const bashValue = (scriptVar: string, value: string) => `decode_to ${scriptVar} '${base64Of(value)}'`;

function bash(input: InstallScriptInput, dir: string, service: boolean, user?: string): string {
  const lines = [
    '#!/usr/bin/env bash',
    '# GitHub Actions runner install, generated by cdktf-github-runners.',
    '# Values are base64 text decoded into variables: none is ever parsed as shell syntax, and the',
    '# runner reads them from ACTIONS_RUNNER_INPUT_* variables, so none is in a command line.',
    'set -euo pipefail',
    'umask 077',
    '# decode_to VAR BASE64: VAR = the decoded bytes, trailing newlines included.',
    'decode_to() { IFS= read -r -d \'\' "$1" < <(printf \'%s\' "$2" | base64 --decode) || true; }',
    ...downloadValues(input, dir).map((v) => bashValue(v.bashVar, v.value)),
  ];
  if (user) lines.push(bashValue('RUN_AS', user));
  lines.push(
    'if [ -z "$EXPECTED_SHA256" ]; then',
    '  echo "cdktf-github-runners: no SHA-256 checksum for $DOWNLOAD_URL: set sha256Checksum on the RunnerDownload; nothing was installed" >&2',
    '  exit 1',
    'fi',
    'WORK="$(mktemp -d)"',
    'trap \'rm -rf "$WORK"\' EXIT',
    'ARCHIVE="$WORK/actions-runner.tar.gz"',
    'if [ -n "$DOWNLOAD_TOKEN" ]; then',
    '  # The token goes to curl in a 0600 file (umask 077), never in its arguments.',
    '  printf \'Authorization: Bearer %s\\n\' "$DOWNLOAD_TOKEN" >"$WORK/download-header"',
    '  curl -fsSL --retry 5 --retry-delay 2 --proto-redir =https -H "@$WORK/download-header" -o "$ARCHIVE" --url "$DOWNLOAD_URL"',
    'else',
    '  curl -fsSL --retry 5 --retry-delay 2 --proto-redir =https -o "$ARCHIVE" --url "$DOWNLOAD_URL"',
    'fi',
    'if command -v sha256sum >/dev/null 2>&1; then',
    '  ACTUAL_SHA256="$(sha256sum "$ARCHIVE" | cut -d" " -f1)"',
    'else',
    '  ACTUAL_SHA256="$(shasum -a 256 "$ARCHIVE" | cut -d" " -f1)"',
    'fi',
    'if [ "$ACTUAL_SHA256" != "$EXPECTED_SHA256" ]; then',
    '  echo "cdktf-github-runners: checksum mismatch for $DOWNLOAD_URL (expected $EXPECTED_SHA256, got $ACTUAL_SHA256): nothing was extracted" >&2',
    '  exit 1',
    'fi',
    'mkdir -p "$RUNNER_DIR"',
    'tar -xzf "$ARCHIVE" -C "$RUNNER_DIR"',
    'cd "$RUNNER_DIR"',
  );
  if (user) lines.push('chown -R -- "$RUN_AS" "$RUNNER_DIR"');
  else lines.push('export RUNNER_ALLOW_RUNASROOT=1');
  // `NAME="$VAR" command` puts NAME in the command's environment only; sudo passes on just the
  // variables named in --preserve-env.
  const run = (values: RunnerValue[], command: string) => {
    for (const v of values) lines.push(bashValue(v.bashVar, v.value));
    const assignments = values.map((v) => `${v.env}="$${v.bashVar}"`).join(' ');
    const sudo = user ? `sudo -u "$RUN_AS" --preserve-env=${values.map((v) => v.env).join(',')} -- ` : '';
    lines.push(`${assignments} ${sudo}${command}`);
  };
  if (input.jit) {
    run([jitInput(input)], 'nohup ./run.sh >"$RUNNER_DIR/runner.log" 2>&1 &');
  } else {
    run(configInputs(input), `./config.sh ${configFlags(input).join(' ')}`);
    if (service) {
      lines.push(user ? './svc.sh install "$RUN_AS"' : './svc.sh install');
      lines.push('./svc.sh start');
    } else {
      lines.push(`${user ? 'sudo -u "$RUN_AS" -- ' : ''}nohup ./run.sh >"$RUNNER_DIR/runner.log" 2>&1 &`);
    }
  }
  lines.push('echo "cdktf-github-runners: runner installed in $RUNNER_DIR"');
  return lines.join('\n') + '\n';
}

const psValue = (scriptVar: string, value: string) =>
  `$${scriptVar} = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${base64Of(value)}'))`;

function powershell(input: InstallScriptInput, dir: string, service: boolean): string {
  const lines = [
    '# GitHub Actions runner install, generated by cdktf-github-runners.',
    '# Values are base64 text decoded into variables: none is ever parsed as PowerShell or batch',
    '# syntax, and the runner reads them from ACTIONS_RUNNER_INPUT_* variables, not its command line.',
    "$ErrorActionPreference = 'Stop'",
    ...downloadValues(input, dir).map((v) => psValue(v.psVar, v.value)),
    'if (-not $ExpectedSha256) { throw "cdktf-github-runners: no SHA-256 checksum for $($DownloadUrl): set sha256Checksum on the RunnerDownload; nothing was installed" }',
    "$Archive = Join-Path ([System.IO.Path]::GetTempPath()) ('actions-runner-' + [guid]::NewGuid() + '.zip')",
    '$Headers = @{}',
    "if ($DownloadToken) { $Headers['Authorization'] = 'Bearer ' + $DownloadToken }",
    'Invoke-WebRequest -UseBasicParsing -Uri $DownloadUrl -OutFile $Archive -Headers $Headers',
    '$ActualSha256 = (Get-FileHash -Algorithm SHA256 -Path $Archive).Hash.ToLowerInvariant()',
    'if ($ActualSha256 -ne $ExpectedSha256) {',
    '  Remove-Item -Force $Archive',
    '  throw "cdktf-github-runners: checksum mismatch for $DownloadUrl (expected $ExpectedSha256, got $ActualSha256): nothing was extracted"',
    '}',
    'New-Item -ItemType Directory -Force -Path $RunnerDir | Out-Null',
    'Expand-Archive -Path $Archive -DestinationPath $RunnerDir -Force',
    'Remove-Item -Force $Archive',
    'Set-Location $RunnerDir',
  ];
  // Set for the child processes started below, then removed from this process.
  const withEnv = (values: RunnerValue[], command: string[]) =>
    lines.push(
      ...values.map((v) => psValue(v.psVar, v.value)),
      ...values.map((v) => `$env:${v.env} = $${v.psVar}`),
      'try {',
      ...command.map((c) => `  ${c}`),
      '} finally {',
      ...values.map((v) => `  Remove-Item -ErrorAction SilentlyContinue -Path Env:${v.env}`),
      '}',
    );
  if (input.jit) {
    withEnv([jitInput(input)], ["Start-Process -WindowStyle Hidden -FilePath (Join-Path $RunnerDir 'run.cmd')"]);
  } else {
    const flags = configFlags(input);
    if (service) flags.push('--runasservice');
    withEnv(configInputs(input), [
      `& (Join-Path $RunnerDir 'config.cmd') ${flags.join(' ')}`,
      "if ($LASTEXITCODE -ne 0) { throw 'cdktf-github-runners: config.cmd failed' }",
    ]);
    if (!service) lines.push("Start-Process -WindowStyle Hidden -FilePath (Join-Path $RunnerDir 'run.cmd')");
  }
  lines.push('Write-Output "cdktf-github-runners: runner installed in $RunnerDir"');
  return lines.join('\r\n') + '\r\n';
}
