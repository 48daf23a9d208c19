import { TerraformOutput } from 'cdktf';
import { RunnerDownload, Runners } from '../../lib';
import { count, find, synthJson } from './synth';

describe('RunnerDownload', () => {
  test.each([
    ['linux', 'x64', 'linux/x64'],
    ['Linux', 'amd64', 'linux/x64'],
    ['ubuntu'.slice(0, 0) + 'linux', 'x86_64', 'linux/x64'],
    ['macos', 'arm64', 'osx/arm64'],
    ['darwin', 'aarch64', 'osx/arm64'],
    ['osx', 'x64', 'osx/x64'],
    ['windows', 'amd64', 'win/x64'],
    ['win', 'arm64', 'win/arm64'],
    ['linux', 'arm', 'linux/arm'],
  ])('%s/%s is GitHub platform %s', (os, architecture, platform) => {
    const json = synthJson((s) => {
      const d = new RunnerDownload(s, 'D', { org: 'octo-org', os, architecture });
      new TerraformOutput(s, 'url', { value: d.downloadUrl });
      new TerraformOutput(s, 'sha', { value: d.sha256Checksum });
    });
    const ds = find(json, 'data', 'external', 'Downloads');
    expect(ds.query).toMatchObject({ operation: 'downloads', org: 'octo-org', platforms: platform });
    expect(json.output.url.value).toContain(`result["${platform}:download_url"]`);
    expect(json.output.sha.value).toContain(`result["${platform}:sha256_checksum"]`);
  });

  test('downloads of one scope share one data source; other scopes get their own', () => {
    const json = synthJson((s) => {
      new RunnerDownload(s, 'A', { org: 'octo-org', os: 'linux', architecture: 'x64' });
      new RunnerDownload(s, 'B', { org: 'octo-org', os: 'linux', architecture: 'arm64' });
      new RunnerDownload(s, 'C', { org: 'octo-org', os: 'linux', architecture: 'amd64' });
      new RunnerDownload(s, 'D', { enterprise: 'octo-enterprise', os: 'win', architecture: 'x64' });
      new RunnerDownload(s, 'E', { owner: 'octo-org', repository: 'octo-repo', os: 'osx', architecture: 'arm64', version: '2.320.0' });
    });
    expect(count(json, 'data', 'external')).toBe(3);
    const platforms = Object.values<any>(json.data.external)
      .map((d) => d.query.platforms)
      .sort();
    expect(platforms).toEqual(['linux/x64,linux/arm64', 'osx/arm64@2.320.0', 'win/x64']);
  });

  test('a pinned version with a checksum uses the given checksum', () => {
    const sha = 'a'.repeat(64);
    const json = synthJson((s) => {
      const d = new RunnerDownload(s, 'D', { org: 'o', os: 'linux', architecture: 'x64', version: '2.320.0', sha256Checksum: sha });
      new TerraformOutput(s, 'sha', { value: d.sha256Checksum });
    });
    expect(json.output.sha.value).toBe(sha);
  });

  test.each([
    [
      { org: 'o', os: 'solaris', architecture: 'x64' },
      /unknown operating system "solaris": use one of linux, osx, win \(or macos, darwin, mac, windows\)/,
    ],
    [
      { org: 'o', os: 'linux', architecture: 'riscv' },
      /unknown architecture "riscv": use one of x64, arm, arm64 \(or amd64, x86_64, armv7, armhf, aarch64\)/,
    ],
    [{ os: 'linux', architecture: 'x64' }, /RunnerDownload needs exactly one scope/],
    [{ org: 'o', enterprise: 'e', os: 'linux', architecture: 'x64' }, /needs exactly one scope/],
    [{ owner: 'o', os: 'linux', architecture: 'x64' }, /repository scope needs both owner and repository/],
    [{ org: 'o', os: 'linux', architecture: 'x64', version: 'latest' }, /invalid runner version "latest"/],
    [{ org: 'o', os: 'linux', architecture: 'x64', version: '2.1.0', sha256Checksum: 'abc' }, /invalid sha256Checksum/],
  ])('rejects %p', (props, message) => {
    expect(() => synthJson((s) => new RunnerDownload(s, 'D', props as any))).toThrow(message);
  });
});

describe('Runners', () => {
  test('lists the runners of a scope with name and label filters', () => {
    const json = synthJson((s) => {
      const r = new Runners(s, 'L', { enterprise: 'octo-enterprise', name: 'vm-1', labels: ['gpu', 'linux'] });
      new TerraformOutput(s, 'names', { value: r.names });
      new TerraformOutput(s, 'count', { value: r.count });
    });
    const ds = find(json, 'data', 'external', 'L/Runners');
    expect(ds.query).toMatchObject({ operation: 'runners', enterprise: 'octo-enterprise', name: 'vm-1', labels: 'gpu,linux' });
    expect(json.output.names.value).toMatch(/compact\(split\(",", data\.external\.\S+\.result\["names"\]\)\)/);
    expect(json.output.count.value).toMatch(/tonumber\(data\.external\.\S+\.result\["count"\]\)/);
  });

  test('without filters, and rejecting bad filters', () => {
    const json = synthJson((s) => new Runners(s, 'L', { owner: 'o', repository: 'r' }));
    const ds = find(json, 'data', 'external', 'L/Runners');
    expect(ds.query.name).toBeUndefined();
    expect(ds.query.labels).toBeUndefined();
    expect(() => synthJson((s) => new Runners(s, 'L', { org: 'o', labels: [] }))).toThrow(/labels filter must hold 1 to 100 labels/);
    expect(() => synthJson((s) => new Runners(s, 'L', { org: 'o', name: 'a b' }))).toThrow(/invalid runner name/);
  });
});
