import { TerraformOutput, TerraformVariable } from 'cdktf';
import { OrgRunner, RunnerDownload } from '../../lib';
import { synthJson } from './synth';

const b64 = (v: string) => Buffer.from(v).toString('base64');

function script(runner: any, download: any, options?: any): string {
  const json = synthJson((s) => {
    const d = new RunnerDownload(s, 'D', { org: 'octo-org', ...download });
    const r = new OrgRunner(s, 'R', { org: 'octo-org', name: 'vm-1', ...runner });
    new TerraformOutput(s, 'script', { value: r.installScript(d, options), sensitive: true });
  });
  return json.output.script.value;
}

/** Terraform template sequences in the text: each must be one of our references. */
/** The script's top-level Terraform template expressions, each with what stands right before and after it. */
function templateRefs(text: string): string[] {
  const refs: string[] = [];
  for (let i = 0; i < text.length - 1; i++) {
    if ((text[i] !== '$' && text[i] !== '%') || text[i + 1] !== '{') continue;
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    refs.push(text.slice(i - 1, j + 2));
    i = j;
  }
  return refs;
}

/** Every value Terraform fills in is base64 of it, between single quotes: inert in any shell. */
const INERT_REF = /^'\$\{base64encode\((data\.external|null_resource|sensitive\(data\.external|join\()[^']*\)\}'$/;

describe('installScript', () => {
  test('bash: verifies the checksum before extracting, configures, starts the service', () => {
    const text = script({ labels: ['gpu', 'linux'], ephemeral: true }, { os: 'linux', architecture: 'x64' });
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text.indexOf('checksum mismatch')).toBeLessThan(text.indexOf('tar -xzf'));
    expect(text).toContain(`decode_to RUNNER_NAME '${b64('vm-1')}'`);
    // The custom labels, then the runner's ownership marker (docs/decisions.md, "Ownership and destroy").
    expect(text).toMatch(
      /decode_to RUNNER_LABELS '\$\{base64encode\(join\(",", \["gpu", "linux", format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\]\)\)\}'\n/,
    );
    expect(text).toContain(
      'ACTIONS_RUNNER_INPUT_URL="$RUNNER_URL" ACTIONS_RUNNER_INPUT_TOKEN="$RUNNER_TOKEN" ACTIONS_RUNNER_INPUT_NAME="$RUNNER_NAME" ACTIONS_RUNNER_INPUT_LABELS="$RUNNER_LABELS" ./config.sh --unattended --replace --ephemeral\n',
    );
    expect(text).not.toContain('--disableupdate');
    expect(text).toContain('./svc.sh install\n./svc.sh start');
    expect(text).not.toMatch(/set -x|echo "?\$RUNNER_TOKEN/);
    expect(templateRefs(text).length).toBeGreaterThan(0);
    for (const ref of templateRefs(text)) expect(ref).toMatch(INERT_REF);
  });

  test('a pinned version adds --disableupdate; osx uses bash; no service runs run.sh', () => {
    const text = script({}, { os: 'macos', architecture: 'arm64', version: '2.320.0' }, { service: false, installDir: '/tmp/runner' });
    expect(text).toContain('--disableupdate');
    expect(text).toContain(`decode_to RUNNER_DIR '${b64('/tmp/runner')}'`);
    expect(text).toContain('nohup ./run.sh');
    expect(text).not.toContain('svc.sh');
  });

  test('jit: run.sh --jitconfig, no config.sh, no registration token', () => {
    const text = script({ jit: true }, { os: 'linux', architecture: 'arm64' });
    expect(text).toMatch(/decode_to JIT_CONFIG '\$\{base64encode\(null_resource\.R_Credentials_\w+\.triggers\.jit_config\)\}'/);
    expect(text).toContain('ACTIONS_RUNNER_INPUT_JITCONFIG="$JIT_CONFIG" nohup ./run.sh >');
    expect(text).not.toContain('--jitconfig');
    expect(text).not.toContain('config.sh');
  });

  test('runAsUser runs config.sh through sudo and installs the service for that user', () => {
    const text = script({}, { os: 'linux', architecture: 'x64' }, { runAsUser: 'runner' });
    expect(text).toContain(`decode_to RUN_AS '${b64('runner')}'`);
    expect(text).toMatch(
      / sudo -u "\$RUN_AS" --preserve-env=ACTIONS_RUNNER_INPUT_URL,ACTIONS_RUNNER_INPUT_TOKEN,ACTIONS_RUNNER_INPUT_NAME,ACTIONS_RUNNER_INPUT_LABELS -- \.\/config\.sh --unattended --replace\n/,
    );
    expect(text).toContain('./svc.sh install "$RUN_AS"');
    expect(text).not.toContain('RUNNER_ALLOW_RUNASROOT');
    expect(() => script({}, { os: 'linux', architecture: 'x64' }, { runAsUser: 'root; rm -rf /' })).toThrow(/invalid runAsUser/);
    expect(() => script({}, { os: 'linux', architecture: 'x64' }, { installDir: "/opt/it's" })).toThrow(/invalid installDir/);
  });

  test('windows: PowerShell with Get-FileHash before Expand-Archive and --runasservice', () => {
    const text = script({ runnerGroup: 'fleet' }, { os: 'windows', architecture: 'x64' });
    expect(text).toContain("$ErrorActionPreference = 'Stop'");
    expect(text.indexOf('Get-FileHash')).toBeLessThan(text.indexOf('Expand-Archive'));
    expect(text).toContain(`$RunnerGroup = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64('fleet')}'))`);
    expect(text).toContain('$env:ACTIONS_RUNNER_INPUT_RUNNERGROUP = $RunnerGroup');
    expect(text).toMatch(/& \(Join-Path \$RunnerDir 'config\.cmd'\) --unattended --replace --runasservice\r\n/);
    expect(text).toContain('\r\n');
    expect(templateRefs(text).length).toBeGreaterThan(0);
    for (const ref of templateRefs(text)) expect(ref).toMatch(INERT_REF);
  });

  test('an os only known at apply time cannot choose the script language', () => {
    expect(() =>
      synthJson((s) => {
        const os = new TerraformVariable(s, 'os', { type: 'string' });
        const d = new RunnerDownload(s, 'D', { org: 'o', os: os.stringValue, architecture: 'x64' });
        new OrgRunner(s, 'R', { org: 'o', name: 'n' }).installScript(d);
      }),
    ).toThrow(/installScript\(\) needs a download with a literal os/);
  });
});
