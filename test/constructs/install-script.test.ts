import { TerraformOutput, TerraformVariable } from 'cdktf';
import { OrgRunner, RunnerDownload } from '../../lib';
import { synthJson } from './synth';

function script(runner: any, download: any, options?: any): string {
  const json = synthJson((s) => {
    const d = new RunnerDownload(s, 'D', { org: 'octo-org', ...download });
    const r = new OrgRunner(s, 'R', { org: 'octo-org', name: 'vm-1', ...runner });
    new TerraformOutput(s, 'script', { value: r.installScript(d, options), sensitive: true });
  });
  return json.output.script.value;
}

/** Terraform template sequences in the text: each must be one of our references. */
function templateRefs(text: string): string[] {
  return text.match(/[$%]\{[^}]*\}/g) ?? [];
}

describe('installScript', () => {
  test('bash: verifies the checksum before extracting, configures, starts the service', () => {
    const text = script({ labels: ['gpu', 'linux'], ephemeral: true }, { os: 'linux', architecture: 'x64' });
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text.indexOf('checksum mismatch')).toBeLessThan(text.indexOf('tar -xzf'));
    // The labels end with the runner's ownership marker (docs/decisions.md, "Ownership and destroy").
    expect(text).toMatch(/\.\/config\.sh --url "\$RUNNER_URL" --token "\$RUNNER_TOKEN" --unattended --name 'vm-1' --replace --labels 'gpu,linux,\$\{format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\}' --ephemeral/);
    expect(text).not.toContain('--disableupdate');
    expect(text).toContain('./svc.sh install\n./svc.sh start');
    expect(text).not.toMatch(/set -x|echo "?\$RUNNER_TOKEN/);
    for (const ref of templateRefs(text)) {
      expect(ref).toMatch(/^\$\{((data\.external|null_resource|sensitive\(data\.external)\.[^}]+|format\("cgr-%s", substr\(sha256\(null_resource\.\w+\.id\), 0, 12\)\))\}$/);
    }
  });

  test('a pinned version adds --disableupdate; osx uses bash; no service runs run.sh', () => {
    const text = script({}, { os: 'macos', architecture: 'arm64', version: '2.320.0' }, { service: false, installDir: '/tmp/runner' });
    expect(text).toContain('--disableupdate');
    expect(text).toContain("RUNNER_DIR='/tmp/runner'");
    expect(text).toContain('nohup ./run.sh');
    expect(text).not.toContain('svc.sh');
  });

  test('jit: run.sh --jitconfig, no config.sh, no registration token', () => {
    const text = script({ jit: true }, { os: 'linux', architecture: 'arm64' });
    expect(text).toMatch(/JIT_CONFIG='\$\{null_resource\.R_Credentials_\w+\.triggers\.jit_config\}'/);
    expect(text).toContain('./run.sh --jitconfig "$JIT_CONFIG"');
    expect(text).not.toContain('config.sh');
  });

  test('runAsUser runs config.sh through sudo and installs the service for that user', () => {
    const text = script({}, { os: 'linux', architecture: 'x64' }, { runAsUser: 'runner' });
    expect(text).toContain('sudo -u runner -- ./config.sh');
    expect(text).toContain('./svc.sh install runner');
    expect(text).not.toContain('RUNNER_ALLOW_RUNASROOT');
    expect(() => script({}, { os: 'linux', architecture: 'x64' }, { runAsUser: 'root; rm -rf /' })).toThrow(/invalid runAsUser/);
    expect(() => script({}, { os: 'linux', architecture: 'x64' }, { installDir: "/opt/it's" })).toThrow(/invalid installDir/);
  });

  test('windows: PowerShell with Get-FileHash before Expand-Archive and --runasservice', () => {
    const text = script({ runnerGroup: 'fleet' }, { os: 'windows', architecture: 'x64' });
    expect(text).toContain("$ErrorActionPreference = 'Stop'");
    expect(text.indexOf('Get-FileHash')).toBeLessThan(text.indexOf('Expand-Archive'));
    expect(text).toMatch(/config\.cmd'\) --url \$RunnerUrl --token \$RunnerToken --unattended --name 'vm-1' --replace --labels '\$\{format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\}' --runnergroup 'fleet' --runasservice/);
    expect(text).toContain('\r\n');
    for (const ref of templateRefs(text)) expect(ref).toMatch(/^\$\{((data\.external|null_resource|sensitive\(data\.external)\.[^}]+|format\("cgr-%s", substr\(sha256\(null_resource\.\w+\.id\), 0, 12\)\))\}$/);
  });

  test('an os only known at apply time cannot choose the script language', () => {
    expect(() => synthJson((s) => {
      const os = new TerraformVariable(s, 'os', { type: 'string' });
      const d = new RunnerDownload(s, 'D', { org: 'o', os: os.stringValue, architecture: 'x64' });
      new OrgRunner(s, 'R', { org: 'o', name: 'n' }).installScript(d);
    })).toThrow(/installScript\(\) needs a download with a literal os/);
  });
});
