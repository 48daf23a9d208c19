import * as crypto from 'crypto';
import { TerraformOutput } from 'cdktf';
import {
  EnterpriseRunner,
  EnterpriseRunnerToken,
  OrgRunner,
  OrgRunnerToken,
  RepoRunner,
  RepoRunnerToken,
  RunnerDownload,
  RunnerTokenKind,
  Runners,
} from '../../lib';
import { engines } from '../terraform/harness';
import { Workspace, synthStack, useEmulator } from './support';

const PLATFORMS = ['linux/x64', 'linux/arm', 'linux/arm64', 'osx/x64', 'osx/arm64', 'win/x64', 'win/arm64'];
const SCOPES = {
  enterprise: { enterprise: 'octo-enterprise' },
  org: { org: 'octo-org' },
  repo: { owner: 'octo-org', repository: 'octo-repo' },
};
const EMULATOR_SCOPE = { enterprise: 'enterprise:octo-enterprise', org: 'org:octo-org', repo: 'repo:octo-org/octo-repo' };

describe.each(engines().map((e) => [e.id, e] as const))('every construct at every scope on %s', (_id, engine) => {
  const ctx = useEmulator();

  test('init, validate, plan, apply, re-plan and destroy', async () => {
    const apiUrl = ctx.emulator.url;
    const dir = synthStack((s) => {
      const tokens = [
        new EnterpriseRunnerToken(s, 'EnterpriseToken', { enterprise: 'octo-enterprise', apiUrl }),
        new OrgRunnerToken(s, 'OrgToken', { org: 'octo-org', apiUrl, kind: RunnerTokenKind.REMOVE }),
        new RepoRunnerToken(s, 'RepoToken', { owner: 'octo-org', repository: 'octo-repo', apiUrl }),
      ];
      tokens.forEach((t, i) => {
        new TerraformOutput(s, `token_${i}`, { value: t.token, sensitive: true });
        new TerraformOutput(s, `expires_${i}`, { value: t.expiresAt });
      });
      for (const [kind, scope] of Object.entries(SCOPES)) {
        for (const platform of PLATFORMS) {
          const [os, architecture] = platform.split('/');
          const d = new RunnerDownload(s, `${kind}-${os}-${architecture}`, { ...scope, apiUrl, os, architecture });
          new TerraformOutput(s, `dl_${kind}_${os}_${architecture}`, {
            value: `${d.filename} ${d.sha256Checksum} ${d.version} ${d.downloadUrl}`,
          });
        }
        new Runners(s, `${kind}-runners`, { ...scope, apiUrl });
      }
      new EnterpriseRunner(s, 'EntReg', { enterprise: 'octo-enterprise', apiUrl, name: 'ent-reg' });
      new EnterpriseRunner(s, 'EntJit', { enterprise: 'octo-enterprise', apiUrl, name: 'ent-jit', jit: true, runnerGroup: 'Default' });
      new OrgRunner(s, 'OrgReg', { org: 'octo-org', apiUrl, name: 'org-reg', labels: ['a'] });
      new OrgRunner(s, 'OrgJit', { org: 'octo-org', apiUrl, name: 'org-jit', jit: true, labels: ['b', 'c'] });
      new RepoRunner(s, 'RepoReg', { owner: 'octo-org', repository: 'octo-repo', apiUrl, name: 'repo-reg', ephemeral: true });
      const jit = new RepoRunner(s, 'RepoJit', { owner: 'octo-org', repository: 'octo-repo', apiUrl, name: 'repo-jit', jit: true });
      new TerraformOutput(s, 'repo_jit_name', { value: jit.runnerName });
      const listed = new Runners(s, 'jit-list', { owner: 'octo-org', repository: 'octo-repo', apiUrl, labels: ['self-hosted'] });
      new TerraformOutput(s, 'listed', { value: listed.names });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential);
    await ws.ok(['validate', '-no-color']);
    await ws.ok(['plan', '-input=false', '-no-color']);
    await ws.apply();
    const out = await ws.outputs();

    for (let i = 0; i < 3; i++) {
      expect(out[`token_${i}`]).toMatch(/^[A-Z0-9]{29}$/);
      expect(Date.parse(out[`expires_${i}`])).toBeGreaterThan(ctx.emulator.clock.now());
    }
    for (const kind of Object.keys(SCOPES)) {
      for (const platform of PLATFORMS) {
        const [os, arch] = platform.split('/');
        const [filename, sha, version, url] = out[`dl_${kind}_${os}_${arch}`].split(' ');
        expect(filename).toBe(`actions-runner-${os}-${arch}-${version}.${os === 'win' ? 'zip' : 'tar.gz'}`);
        expect(sha).toMatch(/^[0-9a-f]{64}$/);
        expect(url.endsWith(filename)).toBe(true);
        const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
        expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(sha);
      }
    }
    // JIT runners exist from apply on; registration runners appear when their VM registers.
    expect(ctx.emulator.runners(EMULATOR_SCOPE.enterprise).map((r) => r.name)).toEqual([expect.stringMatching(/^ent-jit-[0-9a-f]{8}$/)]);
    expect(ctx.emulator.runners(EMULATOR_SCOPE.org).map((r) => r.name)).toEqual([expect.stringMatching(/^org-jit-[0-9a-f]{8}$/)]);
    expect(ctx.emulator.runners(EMULATOR_SCOPE.repo).map((r) => r.name)).toEqual([out.repo_jit_name]);
    expect(ctx.emulator.runners(EMULATOR_SCOPE.org)[0].labels.map((l) => l.name)).toEqual(expect.arrayContaining(['b', 'c']));

    await ws.apply(); // a second apply reads the list that now includes the jit runner
    expect((await ws.outputs()).listed).toEqual([out.repo_jit_name]);

    await ws.destroy();
    for (const scope of Object.values(EMULATOR_SCOPE)) expect(ctx.emulator.runners(scope)).toEqual([]);
    expect(ws.allFiles()).not.toContain(ctx.credential);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });

  test('a platform the API does not offer fails the plan with the list it offers', async () => {
    const dir = synthStack((s) => {
      new RunnerDownload(s, 'OsxArm', { org: 'octo-org', apiUrl: ctx.emulator.url, os: 'osx', architecture: 'arm' });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential);
    const r = await ws.run(['plan', '-input=false', '-no-color']);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/\s+/g, ' ')).toMatch(/osx\/arm .*offered.*linux\/x64/);
  });
});
