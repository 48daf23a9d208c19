import { TerraformOutput, TerraformVariable } from 'cdktf';
import { EnterpriseRunner, OrgRunner, RepoRunner } from '../../lib';
import { count, find, synthJson } from './synth';

/** The one epoch resource of a stack with one registration-token scope. */
function epochOf(json: any): any {
  const epochs = Object.entries<any>(json.resource.null_resource).filter(([k]) => /_Epoch_[0-9A-F]{8}$/.test(k));
  if (epochs.length !== 1) throw new Error(`expected one epoch, found ${epochs.length}`);
  return epochs[0][1];
}

const SCOPES = [
  [
    'enterprise',
    (s: any, id: string, p: any) => new EnterpriseRunner(s, id, { enterprise: 'octo-enterprise', ...p }),
    { enterprise: 'octo-enterprise' },
  ],
  ['org', (s: any, id: string, p: any) => new OrgRunner(s, id, { org: 'octo-org', ...p }), { org: 'octo-org' }],
  [
    'repo',
    (s: any, id: string, p: any) => new RepoRunner(s, id, { owner: 'octo-org', repository: 'octo-repo', ...p }),
    { owner: 'octo-org', repository: 'octo-repo' },
  ],
] as const;

describe.each(SCOPES)('%s runner', (_kind, make, scopeKeys) => {
  test('identity triggers hold what defines the runner, and the destroy provisioner reads only self', () => {
    const json = synthJson((s) => make(s, 'R', { name: 'vm-1', labels: ['gpu', 'linux'] }));
    const identity = find(json, 'resource', 'null_resource', 'R/Identity');
    expect(identity.triggers).toEqual({
      api_url: 'https://api.github.com',
      ...scopeKeys,
      name: 'vm-1',
      labels: 'gpu,linux',
      runner_group: '',
      work_folder: '',
      mode: 'persistent',
      no_default_labels: 'false',
    });
    const [prov] = identity.provisioner;
    expect(prov['local-exec'].when).toBe('destroy');
    expect(prov['local-exec'].command).toMatch(/^node 'assets\/.+\/runtime\.js' delete-runner /);
    for (const value of Object.values<string>(prov['local-exec'].environment)) {
      // Terraform allows only self, count.index and each.key in destroy provisioners.
      for (const ref of value.match(/\$\{[^}]*\}/g) ?? []) expect(ref).toMatch(/^\$\{self\./);
    }
    expect(prov['local-exec'].environment.CGR_NAME).toBe('${self.triggers.name}');
    expect(prov['local-exec'].environment.CGR_BUSY_TIMEOUT).toBe('300');
    // Deleted only if it carries this identity's marker (ownerMarker in lib/contract.ts).
    expect(prov['local-exec'].environment.CGR_IDENTITY).toBe('${self.id}');
  });

  test("registration token: the credentials check at creation that no runner of the name is someone else's, and the VM registers with the marker", () => {
    const json = synthJson((s) => {
      const r = make(s, 'R', { name: 'vm-1', labels: ['gpu'] });
      new TerraformOutput(s, 'args', { value: r.configArgs });
    });
    const creds = find(json, 'resource', 'null_resource', 'R/Credentials');
    const [check] = creds.provisioner;
    expect(check['local-exec'].when).toBeUndefined();
    expect(check['local-exec'].command).toMatch(/^node 'assets\/.+\/runtime\.js' check-name /);
    expect(check['local-exec'].environment).toMatchObject({
      CGR_NAME: 'vm-1',
      CGR_IDENTITY: expect.stringMatching(/^\$\{null_resource\.R_Identity_\w+\.id\}$/),
    });
    expect(json.output.args.value).toMatch(
      /--labels '\$\{replace\(join\(",", \["gpu", format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\]\), "'", "'\\"'\\"'"\)\}'/,
    );
    expect(creds.triggers).toMatchObject({ api_url: 'https://api.github.com', ...scopeKeys });
  });

  test("registration token: shared data source deferred by the scope's epoch, captured once", () => {
    const json = synthJson((s) => {
      make(s, 'A', { name: 'vm-a' });
      make(s, 'B', { name: 'vm-b' });
    });
    const sources = Object.entries<any>(json.data.external).filter(([, d]) => d.query.operation === 'registration-token');
    expect(sources).toHaveLength(1);
    const [[sourceKey, source]] = sources;
    expect(source.query).toMatchObject(scopeKeys);
    // One reference, whatever the number of runners: not one per identity (N² state, docs/benchmarks.md).
    expect(source.query.generations).toMatch(/^\$\{null_resource\.GitHubRunners-[\w-]+_Epoch_[0-9A-F]{8}\.id\}$/);
    expect(JSON.stringify(source)).not.toMatch(/_Identity_/);
    expect(epochOf(json)).toEqual({ triggers: { runners: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const creds = find(json, 'resource', 'null_resource', 'A/Credentials');
    expect(creds.lifecycle).toEqual({
      ignore_changes: ['triggers'],
      replace_triggered_by: [expect.stringMatching(/^null_resource\.A_Identity_\w+$/)],
    });
    expect(creds.triggers.token).toBe(`\${sensitive(data.external.${sourceKey}.result["token"])}`);
    expect(creds.triggers.runner_name).toBe('vm-a');
  });

  test('jit: a data source per runner, referencing only its own identity (linear state)', () => {
    const json = synthJson((s) => {
      make(s, 'A', { name: 'vm-a', jit: true, labels: ['x64'] });
      make(s, 'B', { name: 'vm-b', jit: true });
    });
    const sources = Object.entries<any>(json.data.external).filter(([, d]) => d.query.operation === 'jit-configs');
    expect(sources).toHaveLength(2);
    const [[keyA, a], [, b]] = sources;
    expect(Object.keys(a.query).filter((k) => k.startsWith('runner:'))).toEqual(['runner:test.A']);
    expect(Object.keys(b.query).filter((k) => k.startsWith('runner:'))).toEqual(['runner:test.B']);
    expect(a.query).toMatchObject(scopeKeys);
    expect(a.query['runner:test.A']).toMatch(
      /jsonencode\(\{"name" = "vm-a", "generation" = null_resource\.A_Identity_\w+\.id, "labels" = \["x64"\]/,
    );
    expect(b.query['runner:test.B']).toMatch(/"labels" = \["self-hosted"\]/);
    // Each source references one identity: its own.
    expect(JSON.stringify(a).match(/null_resource\.\w+_Identity_\w+/g)).toEqual([expect.stringMatching(/^null_resource\.A_Identity_/)]);
    expect(JSON.stringify(b)).not.toMatch(/A_Identity_/);
    expect(keyA).toMatch(/^A_JitConfig_/);
    const creds = find(json, 'resource', 'null_resource', 'A/Credentials');
    expect(creds.triggers.jit_config).toBe(`\${sensitive(data.external.${keyA}.result["test.A:jit_config"])}`);
    const identity = find(json, 'resource', 'null_resource', 'A/Identity');
    expect(identity.triggers.mode).toBe('jit');
    // Deleted by the id captured at mint, from the credentials (replaced whenever the identity is).
    expect(identity.provisioner).toBeUndefined();
    const [prov] = creds.provisioner;
    expect(prov['local-exec'].when).toBe('destroy');
    expect(prov['local-exec'].environment).toMatchObject({
      CGR_ID: '${lookup(self.triggers, "runner_id", "")}',
      CGR_API_URL: '${lookup(self.triggers, "api_url", "https://api.github.com")}',
    });
    for (const [k, v] of Object.entries<string>(scopeKeys))
      expect(prov['local-exec'].environment[`CGR_${k.toUpperCase()}`]).toBe(`\${lookup(self.triggers, "${k}", "${v}")}`);
    expect(creds.triggers).toMatchObject({ api_url: 'https://api.github.com', ...scopeKeys });
  });

  test('the marker joins labels given as a Terraform list; 99 labels at most beside it', () => {
    const json = synthJson((s) => {
      const labels = new TerraformVariable(s, 'labels', { type: 'list(string)' });
      const r = make(s, 'R', { name: 'vm-1', labels: labels.listValue });
      new TerraformOutput(s, 'args', { value: r.configArgs });
    });
    expect(json.output.args.value).toMatch(
      /--labels '\$\{replace\(join\(",", concat\(var\.labels, \[format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\]\)\), "'", /,
    );
    const many = Array.from({ length: 100 }, (_, i) => `l${i}`);
    expect(() => synthJson((s) => make(s, 'R', { name: 'vm-1', labels: many }))).toThrow(
      'a registration-token runner takes at most 99 labels, got 100: the 100th is its ownership marker',
    );
    expect(() => synthJson((s) => make(s, 'R', { name: 'vm-1', labels: many, jit: true }))).not.toThrow();
  });

  test('deregisterOnDestroy: false leaves no provisioner and does not change the triggers', () => {
    const on = synthJson((s) => make(s, 'R', { name: 'vm-1' }));
    const off = synthJson((s) => make(s, 'R', { name: 'vm-1', deregisterOnDestroy: false }));
    expect(find(off, 'resource', 'null_resource', 'R/Identity').provisioner).toBeUndefined();
    const jitOff = synthJson((s) => make(s, 'R', { name: 'vm-1', jit: true, deregisterOnDestroy: false }));
    expect(find(jitOff, 'resource', 'null_resource', 'R/Credentials').provisioner).toBeUndefined();
    expect(find(off, 'resource', 'null_resource', 'R/Identity').triggers).toEqual(
      find(on, 'resource', 'null_resource', 'R/Identity').triggers,
    );
  });

  test('waitForOnline adds a waiting resource after the credentials', () => {
    const json = synthJson((s) => make(s, 'R', { name: 'vm-1', waitForOnline: true, onlineTimeout: 120 }));
    const online = find(json, 'resource', 'null_resource', 'R/Online');
    expect(online.provisioner[0]['local-exec'].command).toMatch(/wait-online .*--timeout "\$CGR_TIMEOUT"/);
    expect(online.provisioner[0]['local-exec'].environment.CGR_TIMEOUT).toBe('120');
    expect(online.depends_on).toEqual([expect.stringMatching(/^null_resource\.R_Credentials_\w+$/)]);
  });

  test('config.sh arguments and sensitive attributes', () => {
    const json = synthJson((s) => {
      const r = make(s, 'R', { name: 'vm-1', labels: ['gpu'], ephemeral: true, workFolder: 'w' });
      new TerraformOutput(s, 'args', { value: r.configArgs });
      new TerraformOutput(s, 'token', { value: r.token, sensitive: true });
    });
    expect(json.output.args.value).toMatch(
      /^--url '\$\{replace\(null_resource\.R_Credentials_\w+\.triggers\.runner_url, "'", "'\\"'\\"'"\)\}' --name 'vm-1' --labels '\$\{replace\(join\(",", \["gpu", format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\]\), "'", "'\\"'\\"'"\)\}' --work 'w' --ephemeral --unattended --replace$/,
    );
    expect(json.output.token.value).toMatch(/^\$\{null_resource\.R_Credentials_\w+\.triggers\.token\}$/);
  });

  test("configEnvironment: the runner's ACTIONS_RUNNER_INPUT_* inputs, token included, nothing to quote", () => {
    const json = synthJson((s) => {
      const r = make(s, 'R', { name: 'vm-1', labels: ['gpu', 'x'], workFolder: 'w' });
      const j = make(s, 'J', { name: 'vm-2', jit: true });
      new TerraformOutput(s, 'env', { value: r.configEnvironment, sensitive: true });
      new TerraformOutput(s, 'jit', { value: j.configEnvironment, sensitive: true });
    });
    expect(json.output.env.value).toEqual({
      ACTIONS_RUNNER_INPUT_URL: expect.stringMatching(/^\$\{null_resource\.R_Credentials_\w+\.triggers\.runner_url\}$/),
      ACTIONS_RUNNER_INPUT_TOKEN: expect.stringMatching(/^\$\{null_resource\.R_Credentials_\w+\.triggers\.token\}$/),
      ACTIONS_RUNNER_INPUT_NAME: 'vm-1',
      // The custom labels, then the runner's ownership marker.
      ACTIONS_RUNNER_INPUT_LABELS: expect.stringMatching(
        /^\$\{join\(",", \["gpu", "x", format\("cgr-%s", substr\(sha256\(null_resource\.R_Identity_\w+\.id\), 0, 12\)\)\]\)\}$/,
      ),
      ACTIONS_RUNNER_INPUT_WORK: 'w',
    });
    expect(json.output.jit.value).toEqual({
      ACTIONS_RUNNER_INPUT_JITCONFIG: expect.stringMatching(/^\$\{null_resource\.J_Credentials_\w+\.triggers\.jit_config\}$/),
    });
  });
});

describe("the epoch of a scope's registration-token runners", () => {
  const hash = (build: (s: any) => void) => epochOf(synthJson(build)).triggers.runners;
  const org = (s: any, id: string, p: any = {}) => new OrgRunner(s, id, { org: 'octo-org', name: `vm-${id.toLowerCase()}`, ...p });

  test('changes when a runner is added, removed, renamed, relabeled or moved, not with construction order', () => {
    const base = hash((s) => {
      org(s, 'A');
      org(s, 'B');
    });
    expect(
      hash((s) => {
        org(s, 'B');
        org(s, 'A');
      }),
    ).toBe(base);
    expect(
      hash((s) => {
        org(s, 'A');
        org(s, 'B');
      }),
    ).toBe(base);
    const others = [
      hash((s) => {
        org(s, 'A');
        org(s, 'B');
        org(s, 'C');
      }),
      hash((s) => {
        org(s, 'A');
      }),
      hash((s) => {
        org(s, 'A');
        org(s, 'B', { name: 'vm-z' });
      }),
      hash((s) => {
        org(s, 'A');
        org(s, 'B', { labels: ['gpu'] });
      }),
      hash((s) => {
        org(s, 'A');
        org(s, 'B', { ephemeral: true });
      }),
      hash((s) => {
        org(s, 'A');
        org(s, 'Other', { name: 'vm-b' });
      }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  test('ignores what does not replace a runner, and jit runners', () => {
    const base = hash((s) => {
      org(s, 'A');
    });
    expect(
      hash((s) => {
        org(s, 'A', { deregisterOnDestroy: false, busyTimeout: 10, waitForOnline: true });
      }),
    ).toBe(base);
    expect(
      hash((s) => {
        org(s, 'A');
        org(s, 'J', { jit: true });
      }),
    ).toBe(base);
    // A scope of jit runners only has no epoch.
    const jitOnly = synthJson((s) => {
      org(s, 'J', { jit: true });
    });
    expect(Object.keys(jitOnly.resource.null_resource).filter((k) => k.includes('_Epoch_'))).toEqual([]);
  });

  test('a trigger that is an expression is hashed as written and copied, so its value replaces the epoch too', () => {
    const json = synthJson((s) => {
      const v = new TerraformVariable(s, 'cred', { type: 'string' });
      org(s, 'A', { credentialEnv: v.stringValue });
    });
    expect(epochOf(json).triggers).toEqual({ runners: expect.stringMatching(/^[0-9a-f]{64}$/), 'test/A:credential_env': '${var.cred}' });
  });
});

describe('runner validation', () => {
  const org = (p: any) => () => synthJson((s) => new OrgRunner(s, 'R', { org: 'octo-org', name: 'vm-1', ...p }));
  test.each([
    [{ name: 'has space' }, /invalid runner name "has space"/],
    [{ name: 'x'.repeat(65) }, /invalid runner name/],
    [{ name: 'x'.repeat(56), jit: true }, /too long for a jit runner/],
    [{ labels: [] }, /labels must hold 1 to 100 labels, got 0/],
    [{ labels: Array.from({ length: 101 }, (_, i) => `l${i}`) }, /1 to 100 labels, got 101/],
    [{ labels: ['ok', 'bad,comma'] }, /invalid label "bad,comma"/],
    [{ labels: ['GPU', 'gpu'] }, /duplicate label "gpu"/],
    [{ jit: true, ephemeral: false }, /jit runners are always ephemeral/],
    [{ jit: true, noDefaultLabels: true }, /noDefaultLabels applies to registration tokens only/],
    [{ busyTimeout: 0 }, /busyTimeout must be a positive whole number/],
    [{ onlineTimeout: 1.5 }, /onlineTimeout must be a positive whole number/],
    [{ runnerGroup: "it's" }, /invalid runnerGroup/],
    [{ credentialEnv: 'github_pat_' + 'A'.repeat(40) }, /credentialEnv looks like a credential/],
  ])('rejects %p', (props, message) => {
    expect(org(props)).toThrow(message);
  });

  test('runner groups only at organization and enterprise scope', () => {
    expect(() => synthJson((s) => new RepoRunner(s, 'R', { owner: 'o', repository: 'r', name: 'n', runnerGroup: 'g' }))).toThrow(
      /runner groups belong to organizations and enterprises/,
    );
    const json = synthJson((s) => new OrgRunner(s, 'R', { org: 'o', name: 'n', runnerGroup: 'Linux fleet' }));
    expect(find(json, 'resource', 'null_resource', 'R/Identity').triggers.runner_group).toBe('Linux fleet');
  });

  test('runners of different scopes and connections do not share data sources', () => {
    const json = synthJson((s) => {
      new OrgRunner(s, 'A', { org: 'org-a', name: 'n' });
      new OrgRunner(s, 'B', { org: 'org-b', name: 'n' });
      new OrgRunner(s, 'C', { org: 'org-a', name: 'm', apiUrl: 'https://ghes.example.com/api/v3' });
      new OrgRunner(s, 'D', { org: 'org-a', name: 'k' });
    });
    expect(count(json, 'data', 'external')).toBe(3);
  });
});
