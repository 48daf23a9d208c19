import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformOutput } from 'cdktf';
import { OrgRunner, RetiredRunner, RunnerDownload } from '../../lib';
import { ownerMarker } from '../../lib/contract';
import { Emulator, startEmulator } from '../../lib/emulator';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, canaryCredential, replaceConfig, runInstallScript, synthStack, useEmulator } from '../e2e/support';
import { failure, runJson } from './diagnostics';

// Rows O1–O9 of docs/reliability.md: destroy deletes only what this stack registered, and costs
// at most two requests per runner. O1–O5 and O9 run on every engine of the harness; the parallel
// destroys and the page cap (O6–O8), where the engine only runs the same provisioner commands
// many times, on the first.
const engine = engines()[0];
const ORG = 'octo-org';
const REF = `org:${ORG}`;

/** Each workspace its own listing cache, so that tests never share one. */
const cacheEnv = () => ({ XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'own-cache-')) });

/** The identities in a workspace's state: runner name -> identity resource id. */
function identities(ws: Workspace): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of JSON.parse(ws.state()).resources ?? []) {
    if (r.type === 'null_resource' && /_Identity_/.test(r.name)) {
      for (const i of r.instances) out.set(i.attributes.triggers.name, i.attributes.id);
    }
  }
  return out;
}

/** The runtime's lines in a run's output that are not debug lines. */
const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l));

describe.each(engines().map((e) => [e.id, e] as const))('ownership on %s', (_id, engine) => {
  const ctx = useEmulator();
  const runners = (name: string) => ctx.emulator.runners(REF).filter((r) => r.name === name);

  /** A registration-token runner named `name` whose install script is an output. */
  async function tokenStack(name: string): Promise<Workspace> {
    const installDir = tempDir('runner-');
    const dir = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: ctx.emulator.url, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name, labels: ['e2e'] });
      new TerraformOutput(s, 'script', { value: runner.installScript(download, { installDir }), sensitive: true });
    });
    return Workspace.init(engine, dir, ctx.credential, cacheEnv());
  }

  test('O1: a runner registered by hand with the same name: the apply is refused with one line, the destroy keeps it and says so', async () => {
    const byHand = ctx.emulator.createRunner(REF, { name: 'o1-hand', status: 'online', labels: ['gpu'] });
    const ws = await tokenStack('o1-hand');
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(apply.code).not.toBe(0);
    expect(failure(apply)).toBe(
      `runner "o1-hand" (id ${byHand.id}) already exists in organization "octo-org" and this stack did not register it ` +
        `(it lacks the marker label ${ownerMarker(identities(ws).get('o1-hand')!)}): its VM would take it over (config.sh --replace); ` +
        `give this runner another name, or delete that runner first if it is yours (cdktf-github-runners runners delete --org octo-org --api-url ${ctx.emulator.url} --id ${byHand.id})`,
    );
    const destroy = await ws.destroy();
    expect(lines(destroy.stdout, /kept runner "o1-hand"/)).toHaveLength(1);
    expect(runners('o1-hand')).toEqual([expect.objectContaining({ id: byHand.id, status: 'online' })]);
    expect(ws.log.join('\n')).not.toContain(ctx.credential);
  });

  test("O2: two stacks declaring the same runner name: the second is refused, destroying it keeps the first's runner, which only its own stack deletes", async () => {
    const first = await tokenStack('o2-shared');
    await first.apply();
    const vm = await runInstallScript((await first.outputs()).script);
    expect(vm.code).toBe(0);
    const marker = ownerMarker(identities(first).get('o2-shared')!);
    const [registered] = runners('o2-shared');
    expect(registered.labels.map((l) => l.name)).toEqual(expect.arrayContaining(['e2e', marker]));

    const second = await tokenStack('o2-shared');
    const apply = await runJson(second, ['apply', '-auto-approve', '-input=false']);
    expect(apply.code).not.toBe(0);
    expect(failure(apply)).toMatch(
      new RegExp(
        `^runner "o2-shared" \\(id ${registered.id}\\) already exists in organization "octo-org" and this stack did not register it `,
      ),
    );
    const destroySecond = await second.destroy();
    expect(lines(destroySecond.stdout, /kept runner "o2-shared"/)).toHaveLength(1);
    expect(runners('o2-shared')).toEqual([expect.objectContaining({ id: registered.id, status: 'online' })]);
    expect(runners('o2-shared')[0].labels.map((l) => l.name)).toContain(marker);

    await first.destroy();
    expect(runners('o2-shared')).toEqual([]);
  });

  test('O3: two runners of one name in one scope of one stack are refused at synth, naming both construct paths', () => {
    expect(() =>
      synthStack((s) => {
        new OrgRunner(s, 'Build', { org: ORG, apiUrl: ctx.emulator.url, name: 'o3-dup' });
        new OrgRunner(s, 'Jit', { org: ORG, apiUrl: ctx.emulator.url, name: 'O3-DUP', jit: true });
      }),
    ).toThrow('runners e2e/Build and e2e/Jit are both named "O3-DUP" in org:octo-org: give each runner of a scope its own name');
    // Another organization, or another stack, may use the name.
    expect(() =>
      synthStack((s) => {
        new OrgRunner(s, 'Build', { org: ORG, apiUrl: ctx.emulator.url, name: 'o3-dup' });
        new OrgRunner(s, 'Other', { org: 'other-org', apiUrl: ctx.emulator.url, name: 'o3-dup' });
      }),
    ).not.toThrow();
  });

  test('O4: a runner registered before runners carried a marker (an older state) is kept on destroy, with the command that deletes it', async () => {
    const ws = await tokenStack('o4-old');
    await ws.apply();
    // The VM of the older version registered without the marker.
    const old = ctx.emulator.createRunner(REF, { name: 'o4-old', status: 'online', labels: ['e2e'] });
    const destroy = await ws.destroy();
    const [line] = lines(destroy.stdout, /kept runner "o4-old"/);
    expect(line).toContain(`kept runner "o4-old" (id ${old.id}) in organization "octo-org": it lacks this runner's marker label cgr-`);
    expect(line).toContain(
      `if it is yours, delete it with: cdktf-github-runners runners delete --org octo-org --api-url ${ctx.emulator.url} --id ${old.id}`,
    );
    expect(runners('o4-old')).toHaveLength(1);
    expect(JSON.parse(ws.state()).resources).toEqual([]);
  });

  test('O5: a JIT runner is deleted by the id captured at mint: one DELETE, no listing, no lookup by name', async () => {
    const dir = synthStack((s) => {
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl: ctx.emulator.url, name: 'o5-jit', jit: true });
      new TerraformOutput(s, 'config', { value: runner.jitConfig, sensitive: true });
    });
    const ws = await Workspace.init(engine, dir, ctx.credential, cacheEnv());
    await ws.apply();
    const [jit] = ctx.emulator.runners(REF).filter((r) => r.name.startsWith('o5-jit-'));
    expect(jit).toBeDefined();
    ctx.emulator.clearRequests();
    // Without the refresh (which reads the JIT source), the destroy makes exactly one request.
    const destroy = await ws.ok(['destroy', '-auto-approve', '-input=false', '-no-color', '-refresh=false']);
    expect(destroy.stdout).toContain(`deleted runner id ${jit.id}`);
    expect(ctx.emulator.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      `DELETE /orgs/${ORG}/actions/runners/${jit.id} 204`,
    ]);
    expect(ctx.emulator.runners(REF).filter((r) => r.name.startsWith('o5-jit-'))).toEqual([]);
  });

  test('O9: JIT runners whose credentials an older version captured (no scope in their state): destroy deletes one by id, a RetiredRunner the other', async () => {
    const build = (retire: boolean) =>
      synthStack((s) => {
        new OrgRunner(s, 'Kept', { org: ORG, apiUrl: ctx.emulator.url, name: 'o9-destroyed', jit: true });
        if (retire) new RetiredRunner(s, 'Gone');
        else new OrgRunner(s, 'Gone', { org: ORG, apiUrl: ctx.emulator.url, name: 'o9-retired', jit: true });
      });
    const ws = await Workspace.init(engine, build(false), ctx.credential, cacheEnv());
    await ws.apply();
    const jit = (name: string) => ctx.emulator.runners(REF).filter((r) => r.name.startsWith(`${name}-`));
    expect(jit('o9-destroyed')).toHaveLength(1);
    expect(jit('o9-retired')).toHaveLength(1);
    // The credentials' triggers as versions before this one wrote them: no API URL, no scope.
    const file = path.join(ws.dir, 'terraform.tfstate');
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const r of state.resources) {
      if (!/_Credentials_/.test(r.name)) continue;
      for (const i of r.instances) {
        delete i.attributes.triggers.api_url;
        delete i.attributes.triggers.org;
      }
    }
    state.serial += 1;
    fs.writeFileSync(file, JSON.stringify(state));

    replaceConfig(ws, build(true));
    await ws.apply();
    expect(jit('o9-retired')).toEqual([]);
    expect(jit('o9-destroyed')).toHaveLength(1);
    const [kept] = jit('o9-destroyed');
    const destroy = await ws.destroy();
    expect(destroy.stdout).toContain(`deleted runner id ${kept.id}`);
    expect(jit('o9-destroyed')).toEqual([]);
  });
});

describe(`parallel destroys on ${engine.id}`, () => {
  const N = 150;

  /**
   * N registration-token runners whose VMs registered with their markers, among 40 runners that
   * are not the stack's, destroyed at Terraform's default parallelism (10).
   */
  async function parallelDestroy(nameFilter: boolean): Promise<void> {
    const emulator = await startEmulator({ nameFilter, seed: { rateLimit: 1_000_000 } });
    const credential = canaryCredential();
    emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
    try {
      const dir = synthStack((s) => {
        for (let i = 0; i < N; i++) new OrgRunner(s, `Runner${i}`, { org: ORG, apiUrl: emulator.url, name: `fleet-${i}` });
      });
      const ws = await Workspace.init(engine, dir, credential, cacheEnv());
      await ws.apply();
      // Each VM registers with its identity's marker (as the install script does), among runners
      // of the organization that are not this stack's.
      for (const [name, id] of identities(ws)) emulator.createRunner(REF, { name, status: 'online', labels: [ownerMarker(id)] });
      for (let i = 0; i < 40; i++) emulator.createRunner(REF, { name: `bystander-${i}`, status: 'online' });
      expect(emulator.runners(REF)).toHaveLength(N + 40);

      emulator.clearRequests();
      const destroy = await ws.destroy();
      expect(lines(destroy.stdout, /deleted runner "fleet-\d+"/)).toHaveLength(N);
      expect(
        emulator
          .runners(REF)
          .map((r) => r.name)
          .sort(),
      ).toEqual(Array.from({ length: 40 }, (_, i) => `bystander-${i}`).sort());
      const requests = emulator.requests;
      expect(requests.filter((q) => q.method === 'DELETE')).toHaveLength(N);
      // The refresh before the destroy reads the scope's registration token source (one mint):
      // the provisioners' own requests stay within 2 per runner, and everything within 2 per runner
      // plus that read.
      const mints = requests.filter((q) => q.path.endsWith('/registration-token')).length;
      expect(mints).toBe(1);
      expect(requests.length - mints).toBeLessThanOrEqual(2 * N);
      if (!nameFilter) expect(requests.length).toBeLessThanOrEqual(1.25 * N);
    } finally {
      await emulator.close();
    }
  }

  test(
    `O6: ${N} registration-token runners destroyed 10 at a time on a server without the name filter: none left, bystanders kept, at most 2 requests per runner`,
    () => parallelDestroy(false),
    600_000,
  );
  test(
    `O7: ${N} registration-token runners destroyed 10 at a time on a server with the name filter: none left, bystanders kept, at most 2 requests per runner`,
    () => parallelDestroy(true),
    600_000,
  );
});

describe(`a listing beyond the page cap on ${engine.id}`, () => {
  let emulator: Emulator;
  const credential = canaryCredential();
  beforeAll(async () => {
    emulator = await startEmulator({ nameFilter: false, seed: { orgs: ['big-org'], rateLimit: 1_000_000 } });
    emulator.addToken({ token: credential, kind: 'classic', scopes: ['admin:org'] });
    for (let i = 0; i < 100_001; i++) emulator.createRunner('org:big-org', { name: `r${i}` });
  });
  afterAll(() => emulator?.close());

  test('O8: more than 1,000 pages of runners: the apply and the destroy fail loudly, never "not found"', async () => {
    const dir = synthStack((s) => {
      new OrgRunner(s, 'Runner', { org: 'big-org', apiUrl: emulator.url, name: 'r100000' });
    });
    const ws = await Workspace.init(engine, dir, credential, cacheEnv());
    const loud =
      /^organization "big-org" lists 100001 runners, more than this program walks \(1000 pages of 100\): it stopped rather than report a runner missing/;
    const apply = await runJson(ws, ['apply', '-auto-approve', '-input=false']);
    expect(failure(apply)).toMatch(loud);
    const destroy = await runJson(ws, ['apply', '-destroy', '-auto-approve', '-input=false']);
    expect(failure(destroy)).toMatch(loud);
    expect(destroy.stdout).not.toMatch(/not found/);
    expect(ws.state()).toMatch(/"Runner_Identity_/);
  });
});
