import * as fs from 'fs';
import * as path from 'path';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OrgRunner, OrgRunnerToken, RunnerDownload } from '../../lib';
import { Emulator, Faults, startEmulator } from '../../lib/emulator';
import { Engine, RunResult, engines, tempDir, tfOk } from '../terraform/harness';
import { Workspace, canaryCredential, synthStack, testApp, waitFor } from '../e2e/support';

/**
 * Rows S1 and S2 of test/reliability/matrix.json ("secrets"), on every engine: a canary
 * credential, a canary GitHub App private key, and every registration token and JIT
 * configuration the runs mint, followed through apply, re-plan, saved plans and their JSON, a
 * run with a fault, a run with the App credential, destroy and a failing run, with Terraform's
 * debug log and the runtime's debug output on.
 *
 * Where they may be: tokens in state (and so in `terraform show -json` of a plan, which embeds
 * the state, see SECURITY.md), each either marked sensitive or inside the result of one of the
 * library's `external` data sources (the provider's `result` cannot be marked: SECURITY.md says
 * so). Nowhere else, and the credential and the App key nowhere at all.
 */

const ORG = 'octo-org';
const REGISTRATION_TOKEN = /\/orgs\/octo-org\/actions\/runners\/registration-token$/;

// Every node process Terraform starts (the runtime as data source and provisioner) appends what it
// writes to stderr to a file: the data sources' stderr is otherwise only shown when they fail.
const PRELOAD = `
const fs = require('fs');
const file = process.env.CGR_TEST_STDERR_LOG;
if (file) {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk, ...rest) => {
    try { fs.appendFileSync(file, chunk); } catch (e) { /* best effort */ }
    return write(chunk, ...rest);
  };
}
`;

let emulator: Emulator;
const credential = canaryCredential();
const app = testApp({ organization_self_hosted_runners: 'write' });
const { privateKey, privateKeyLines } = app;

beforeAll(async () => {
  emulator = await startEmulator({
    createScopes: false,
    seed: {
      apps: [app.seed],
    },
  });
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
});
afterAll(() => emulator?.close());

// ------------------------------------------------------------------ where secrets may be

type Json = any;

/** `sensitive_attributes` of a state instance (a list of paths, or a mask object) as a mask. */
function stateMask(marks: Json): Json {
  if (!Array.isArray(marks)) return marks ?? {};
  const mask: Json = {};
  for (const p of marks) {
    const steps: Json[] = Array.isArray(p) ? p : (p?.path ?? []);
    const keys = steps.map((s) => (typeof s.value === 'object' && s.value !== null ? s.value.value : s.value));
    if (keys.length === 0) continue;
    let node = mask;
    keys.slice(0, -1).forEach((k) => {
      node = node[k] = typeof node[k] === 'object' ? node[k] : {};
    });
    node[keys[keys.length - 1]] = true;
  }
  return mask;
}

/** Replaces every value that the mask marks sensitive. */
function masked(value: Json, mask: Json): Json {
  if (mask === true) return '<sensitive>';
  if (mask === undefined || mask === false || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => masked(v, Array.isArray(mask) ? mask[i] : mask[String(i)]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, mask[k])]));
}

/** One of this library's data sources: its result holds tokens without a mark (SECURITY.md). */
function isLibraryDataSource(r: Json): boolean {
  return r.mode === 'data' && r.type === 'external' && typeof (r.values ?? r.attributes)?.query?.operation === 'string';
}

function maskResource(r: Json, values: Json, marks: Json): Json {
  const out = masked(values, marks);
  if (isLibraryDataSource(r) && out && typeof out === 'object') out.result = '<library data source result>';
  return out;
}

/** A state file with every marked value and the library data sources' results blanked. */
function stateWithoutMarked(text: string): string {
  const state = JSON.parse(text);
  for (const r of state.resources ?? []) {
    for (const i of r.instances ?? [])
      i.attributes = maskResource({ ...r, attributes: i.attributes }, i.attributes, stateMask(i.sensitive_attributes));
  }
  for (const o of Object.values<Json>(state.outputs ?? {})) if (o.sensitive) o.value = '<sensitive>';
  return JSON.stringify(state);
}

/** `terraform show -json PLAN` with every marked value and the library data sources' results blanked. */
function planWithoutMarked(text: string): string {
  const plan = JSON.parse(text);
  const modules = (m: Json): Json[] => (m ? [m, ...(m.child_modules ?? []).flatMap(modules)] : []);
  for (const tree of [plan.prior_state?.values, plan.planned_values]) {
    for (const m of modules(tree?.root_module)) for (const r of m.resources ?? []) r.values = maskResource(r, r.values, r.sensitive_values);
    for (const o of Object.values<Json>(tree?.outputs ?? {})) if (o.sensitive) o.value = '<sensitive>';
  }
  for (const c of [...(plan.resource_changes ?? []), ...Object.values<Json>(plan.output_changes ?? {}).map((change) => ({ change }))]) {
    const ch = c.change;
    const r = { mode: c.mode, type: c.type, values: ch.before ?? ch.after };
    ch.before = maskResource(r, ch.before, ch.before_sensitive);
    ch.after = maskResource({ ...r, values: ch.after ?? ch.before }, ch.after, ch.after_sensitive);
  }
  return JSON.stringify(plan);
}

/** The registration tokens and JIT configurations in a state or a plan's JSON. */
function mintedIn(text: string): string[] {
  const found: string[] = [];
  const visit = (v: Json, key = ''): void => {
    if (typeof v === 'string') {
      if ((key === 'token' || key.endsWith(':jit_config') || key === 'jit_config') && v.length >= 20) found.push(v);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, k);
    }
  };
  visit(JSON.parse(text));
  return found;
}

/** The first secret found in `text`, with some context, or undefined. */
function leak(text: string, secrets: string[]): string | undefined {
  for (const s of secrets) {
    const at = text.indexOf(s);
    if (at >= 0) return `${s.slice(0, 8)}... at: ${text.slice(Math.max(0, at - 300), at)}`;
  }
  return undefined;
}

/** Every file under `dir` (`.terraform` excluded), relative path to text. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    if (f.split(path.sep).includes('.terraform')) continue;
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out.set(f, fs.readFileSync(p, 'latin1'));
  }
  return out;
}

// ------------------------------------------------------------------ the runs

describe.each(engines().map((e) => [e.id, e] as const))('secrets on %s', (_id, engine: Engine) => {
  const name = `sec-${engine.id}`;
  const jitName = `sec-jit-${engine.id}`;
  const logDir = tempDir('secrets-logs-');
  const tfLog = path.join(logDir, 'terraform.log');
  const runtimeLog = path.join(logDir, 'runtime-stderr.log');
  const plans = tempDir('secrets-plans-'); // saved plans embed the state: kept out of the workspace
  const preload = path.join(logDir, 'tee-stderr.js');
  const env = {
    TF_LOG: 'DEBUG',
    TF_LOG_PATH: tfLog,
    CDKTF_GITHUB_RUNNERS_DEBUG: '1',
    NODE_OPTIONS: `--require ${preload}`,
    CGR_TEST_STDERR_LOG: runtimeLog,
  };
  const appEnv = app.env;

  let synthDirs: string[];
  let ws: Workspace;
  let failing: Workspace;
  let mintedBefore: number;
  const planJsons: string[] = [];
  const states: string[] = [];
  const results: Record<string, RunResult> = {};
  let outputs: Record<string, string>;

  const ours = () => emulator.runners(`org:${ORG}`).filter((r) => r.name === name || r.name.startsWith(`${jitName}-`));
  const registrationMints = () => emulator.tokensIssued.filter((t) => t.kind === 'registration' && t.scope === `org:${ORG}`).length;

  /** `plan -out` into the plans folder; its JSON (which holds state values) is kept, not logged. */
  async function savedPlan(label: string, args: string[] = [], extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const file = path.join(plans, `${label}.tfplan`);
    results[label] = await ws.ok(['plan', '-input=false', '-no-color', `-out=${file}`, ...args], extra);
    const show = await tfOk(engine, ws.dir, ['show', '-json', file], { env: { ...env, GITHUB_TOKEN: credential, ...extra } });
    planJsons.push(show.stdout);
    return file;
  }

  let applied: Promise<void> | undefined;
  /** The first apply, through a saved plan: both tests start from it. */
  const apply = () =>
    (applied ??= (async () => {
      mintedBefore = registrationMints();
      const plan = await savedPlan('apply-plan');
      results.apply = await ws.ok(['apply', '-input=false', '-no-color', plan]);
      states.push(ws.state());
      outputs = await ws.outputs();
    })());

  beforeAll(async () => {
    fs.writeFileSync(preload, PRELOAD);
    const apiUrl = emulator.url;
    const vm = (s: TerraformStack, id: string, script: string, log: string) =>
      new NullResource(s, id, {
        triggers: { user_data: script },
        // The stand-in VM boots and runs its user data; what it prints is kept next to the state.
        provisioners: [{ type: 'local-exec', command: `bash -c "$USER_DATA" >${log} 2>&1`, environment: { USER_DATA: script } }],
      });
    const main = synthStack((s) => {
      const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl, os: 'linux', architecture: 'x64' });
      const runner = new OrgRunner(s, 'Runner', { org: ORG, apiUrl, name });
      const jit = new OrgRunner(s, 'Jit', { org: ORG, apiUrl, name: jitName, jit: true });
      vm(s, 'Vm', runner.installScript(download, { installDir: tempDir('vm-') }), 'vm-registration.log');
      vm(s, 'JitVm', jit.installScript(download, { installDir: tempDir('vm-') }), 'vm-jit.log');
      const token = new OrgRunnerToken(s, 'Token', { org: ORG, apiUrl });
      new TerraformOutput(s, 'token', { value: token.token, sensitive: true });
      new TerraformOutput(s, 'runner_token', { value: runner.token, sensitive: true });
      new TerraformOutput(s, 'jit_config', { value: jit.jitConfig, sensitive: true });
    });
    // The same runners in an organization that does not exist: the apply fails at the mint.
    const missing = synthStack((s) => {
      new OrgRunner(s, 'Runner', { org: 'no-such-org', apiUrl, name });
      new OrgRunner(s, 'Jit', { org: 'no-such-org', apiUrl, name: jitName, jit: true });
    });
    synthDirs = [main, missing];
    ws = await Workspace.init(engine, main, credential, env);
    failing = await Workspace.init(engine, missing, credential, env);
  });

  test('S2: tokens and JIT configurations in state are marked sensitive; plans show (sensitive value)', async () => {
    await apply();
    // Plans: the human output shows the captured token, JIT configuration and user data as
    // (sensitive value), and the JSON marks them in after_sensitive.
    const planned = results['apply-plan'].stdout;
    for (const attribute of ['token', 'jit_config']) expect(planned).toMatch(new RegExp(`"${attribute}"\\s+= \\(sensitive value\\)`));
    expect(planned).toMatch(/user_data"?\s+= \(sensitive value\)/);
    const changes = JSON.parse(planJsons[0]).resource_changes as Json[];
    const credentials = changes.filter((c) => c.type === 'null_resource' && /Credentials/.test(c.address));
    expect(credentials).toHaveLength(2);
    for (const c of credentials) {
      const field = /Jit/.test(c.address) ? 'jit_config' : 'token';
      expect(c.change.after_sensitive.triggers).toEqual(expect.objectContaining({ [field]: true }));
    }

    // State: the runners' captured secrets and the VMs' user data carry the sensitive mark,
    // and the outputs are sensitive.
    const state = JSON.parse(ws.state());
    const instance = (r: Json) => r.instances[0];
    const byName = (re: RegExp) => state.resources.filter((r: Json) => r.mode === 'managed' && re.test(r.name));
    expect(stateMask(instance(byName(/^Runner_Credentials/)[0]).sensitive_attributes)).toEqual({ triggers: { token: true } });
    expect(stateMask(instance(byName(/^Jit_Credentials/)[0]).sensitive_attributes)).toEqual({ triggers: { jit_config: true } });
    for (const vm of [...byName(/^Vm$/), ...byName(/^JitVm$/)])
      expect(stateMask(instance(vm).sensitive_attributes)).toEqual({ triggers: { user_data: true } });
    for (const o of ['token', 'runner_token', 'jit_config']) expect(state.outputs[o].sensitive).toBe(true);
    expect(outputs.runner_token).toMatch(/^[A-Z2-7]{29}$/);
    expect(outputs.jit_config.length).toBeGreaterThan(100);
    expect(instance(byName(/^Runner_Credentials/)[0]).attributes.triggers.token).toBe(outputs.runner_token);

    // With the marks and the library's data-source results blanked, no secret is left in state.
    const secrets = [outputs.token, outputs.runner_token, outputs.jit_config];
    expect(leak(stateWithoutMarked(ws.state()), secrets)).toBeUndefined();
    expect(leak(planWithoutMarked(planJsons[0]), secrets)).toBeUndefined();
  });

  test('S1: no credential, App key, token or JIT configuration outside state, through apply, re-plan, a fault, an App run, destroy and a failure', async () => {
    await apply();
    await waitFor(() => ours().filter((r) => r.status === 'online').length === 2); // run.sh --jitconfig runs in the background
    expect(ours()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name, status: 'online' }),
        expect.objectContaining({ name: expect.stringMatching(new RegExp(`^${jitName}-[0-9a-f]{8}$`)), status: 'online' }),
      ]),
    );
    expect(ours()).toHaveLength(2);

    // Re-plan, saved: the shared token source and the token construct mint again.
    await savedPlan('re-plan');
    // A fault: 502 once on the registration-token mint, retried by the runtime.
    emulator.clearRequests();
    emulator.addFault(Faults.serverError({ status: 502, path: REGISTRATION_TOKEN.source, times: 1 }));
    await savedPlan('fault');
    expect(emulator.requests.filter((r) => REGISTRATION_TOKEN.test(r.path)).map((r) => r.status)).toEqual(
      expect.arrayContaining([502, 201]),
    );
    // The GitHub App credential: a plan, then the destroy (deregistration with the App).
    await savedPlan('app-plan', [], appEnv);
    const destroyPlan = await savedPlan('app-destroy-plan', ['-destroy'], appEnv);
    results.destroy = await ws.ok(['apply', '-input=false', '-no-color', destroyPlan], appEnv);
    expect(ours()).toEqual([]);
    expect(emulator.tokensIssued.filter((t) => t.kind === 'installation').length).toBeGreaterThanOrEqual(2);
    // A failing run: the organization does not exist, the deferred mints fail during apply.
    const failed = await failing.run(['apply', '-auto-approve', '-input=false', '-no-color']);
    expect(failed.code).toBe(1);
    expect(failed.stderr.replace(/\s+/g, ' ')).toContain('cdktf-github-runners: organization "no-such-org" not found');

    // Every minted registration token is known (from the saved plans' JSON and the state after
    // apply), so the checks below look for each one of them.
    const minted = [...new Set([...planJsons, ...states].flatMap(mintedIn))];
    const registration = minted.filter((t) => /^[A-Z2-7]{29}$/.test(t));
    expect(registration.length).toBe(registrationMints() - mintedBefore);
    expect(registration).toEqual(expect.arrayContaining([outputs.token, outputs.runner_token]));
    expect(minted).toContain(outputs.jit_config);
    const tokens = minted;
    const never = [credential, privateKey, ...privateKeyLines];
    const all = [...never, ...tokens];

    // cdktf.out: nothing.
    for (const dir of synthDirs) for (const [file, text] of filesUnder(dir)) expect([file, leak(text, all)]).toEqual([file, undefined]);
    // Terminal output of every run, both workspaces: nothing.
    expect(leak([...ws.log, ...failing.log].join('\n'), all)).toBeUndefined();
    expect(results.destroy.stdout).toMatch(/Destruction complete|Destroy complete/);
    // Terraform's debug log: nothing.
    const debugLog = fs.readFileSync(tfLog, 'utf8');
    expect(debugLog).toMatch(/\[DEBUG\]/);
    expect(leak(debugLog, all)).toBeUndefined();
    // The runtime's own stderr (debug lines, provisioner messages, the error): nothing.
    const runtime = fs.readFileSync(runtimeLog, 'utf8');
    expect(runtime).toMatch(/debug POST \/orgs\/octo-org\/actions\/runners\/registration-token 502 /);
    expect(runtime).toMatch(/debug POST \/orgs\/octo-org\/actions\/runners\/generate-jitconfig 201 /);
    expect(runtime).toMatch(/debug POST \/app\/installations\/777\/access_tokens 201 /);
    expect(runtime).toContain(`deleted runner "${name}"`);
    expect(runtime).toContain('organization "no-such-org" not found');
    expect(leak(runtime, all)).toBeUndefined();
    // The provisioners' output (the stand-in VMs ran the install scripts): nothing.
    for (const log of ['vm-registration.log', 'vm-jit.log']) {
      const text = fs.readFileSync(path.join(ws.dir, log), 'utf8');
      expect(text).toContain('cdktf-github-runners: runner installed in');
      expect(leak(text, all)).toBeUndefined();
    }
    // The saved plans' JSON: never the credential or the key; tokens only where marked sensitive
    // or in the library's data-source results, as in state.
    for (const json of planJsons) {
      expect(leak(json, never)).toBeUndefined();
      expect(leak(planWithoutMarked(json), tokens)).toBeUndefined();
    }
    // The workspaces' files: tokens only in the state (and its backup), marked there.
    for (const w of [ws, failing]) {
      for (const [file, text] of filesUnder(w.dir)) {
        if (/^terraform\.tfstate(\.backup)?$/.test(file)) {
          expect([file, leak(text, never)]).toEqual([file, undefined]);
          expect([file, leak(stateWithoutMarked(text), tokens)]).toEqual([file, undefined]);
        } else {
          expect([file, leak(text, all)]).toEqual([file, undefined]);
        }
      }
    }
    expect(mintedIn(ws.state())).toEqual([]); // destroyed: the state itself holds none any more
  });
});
