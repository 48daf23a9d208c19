import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../terraform/harness';

/**
 * A stand-in VM for the security tests: runs a rendered bash install script in a scratch folder
 * with a `curl` on PATH that records its argv before running the real one, while the emulator's
 * stub config.sh/run.sh record theirs and their ACTIONS_RUNNER_INPUT_* variables
 * (EMULATOR_STUB_RECORD). Everything recorded is base64, so any byte survives.
 */

export interface RecordedCall {
  readonly program: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export interface VmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: RecordedCall[];
}

const REAL_CURL = execFileSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim();

const CURL_WRAPPER = `#!/usr/bin/env bash
{
  printf 'call curl\\n'
  for a in "$@"; do printf 'arg %s\\n' "$(printf '%s' "$a" | base64 | tr -d '\\n')"; done
} >>"$EMULATOR_STUB_RECORD"
exec '${REAL_CURL}' "$@"
`;

function parseRecord(text: string): RecordedCall[] {
  const calls: { program: string; args: string[]; env: Record<string, string> }[] = [];
  const decode = (b: string) => Buffer.from(b, 'base64').toString('utf8');
  for (const line of text.split('\n')) {
    const [kind, a, b] = line.split(' ');
    if (kind === 'call') calls.push({ program: a, args: [], env: {} });
    else if (kind === 'arg') calls[calls.length - 1].args.push(decode(a ?? ''));
    else if (kind === 'env') calls[calls.length - 1].env[a] = decode(b ?? '');
  }
  return calls;
}

/** Runs the script; `waitFor` names a program the script starts in the background (run.sh) whose record to wait for. */
export async function runVm(script: string, waitFor?: string): Promise<VmRun> {
  const dir = tempDir('sec-vm-');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'curl'), CURL_WRAPPER, { mode: 0o755 });
  const record = path.join(dir, 'calls.log');
  fs.writeFileSync(record, '');
  const file = path.join(dir, 'user-data.sh');
  fs.writeFileSync(file, script, { mode: 0o700 });
  const env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, EMULATOR_STUB_RECORD: record };
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', [file], { cwd: dir, env, timeout: 60_000 }, (err, out, errOut) => {
      resolve({
        code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0,
        stdout: out,
        stderr: errOut,
      });
    });
  });
  const deadline = Date.now() + 15_000;
  const done = () => waitFor === undefined || parseRecord(fs.readFileSync(record, 'utf8')).some((c) => c.program === waitFor);
  while (code === 0 && !done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // The background program records before it does anything else; give it a moment to finish the record.
  if (waitFor !== undefined) await new Promise((r) => setTimeout(r, 300));
  return { code, stdout, stderr, calls: parseRecord(fs.readFileSync(record, 'utf8')) };
}

/** The decoded value of `decode_to VAR '...'` in a rendered bash script (what the VM will see). */
export function scriptValue(script: string, variable: string): string | undefined {
  const m = new RegExp(`^decode_to ${variable} '([A-Za-z0-9+/=]*)'$`, 'm').exec(script);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : undefined;
}

/**
 * Payloads that try to break out of bash, PowerShell or batch quoting; each would create
 * `canary` if it ran.
 */
export function payloads(canary: string): [string, string][] {
  return [
    ['single quote', `x'; touch ${canary}; : '`],
    ['double quote', `x"; touch ${canary}; : "`],
    ['command substitution', `$(touch ${canary})`],
    ['backticks', `\`touch ${canary}\``],
    ['semicolon', `x; touch ${canary}`],
    ['newline', `x\ntouch ${canary}\n`],
    ['batch &', `x & touch ${canary} & rem`],
    ['pipe', `x | touch ${canary}`],
    ['U+2018/U+2019 quotes', `x\u2018; touch ${canary}; \u2019`],
    ['U+201A/U+201B quotes', `x\u201A; touch ${canary}; \u201B`],
    ['Terraform template', `\${file("/etc/hostname")}%{ if true }x%{ endif }; touch ${canary}`],
  ];
}
