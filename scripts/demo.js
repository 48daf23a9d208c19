#!/usr/bin/env node
// The whole job, offline: the embedded GitHub emulator, examples/vm-fleet applied with a real
// Terraform, stand-in VMs that run their install scripts (download, checksum, configure, start),
// the runners online, a re-plan without changes, destroy, and the runners gone. One line per step.
// Usage: npm run demo   (DEMO_ENGINE=terraform|tofu|terraform-1.15 picks an engine from the test harness)
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const { startEmulator } = require(path.join(ROOT, 'dist', 'emulator'));
const SCOPES = ['org:octo-org', 'repo:octo-org/octo-repo', 'enterprise:octo-enterprise'];

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Engine and CLI configuration: the harness's (test builds of null/external) when set up. */
function engineSetup() {
  const manifestFile = path.join(ROOT, '.e2e-cache', 'engines.json');
  const env = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (!fs.existsSync(manifestFile) || process.env.E2E_PROVIDERS === 'registry') return { binary: 'terraform', env };
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const wanted = process.env.DEMO_ENGINE || 'terraform';
  const engine = manifest.engines.find((e) => e.id === wanted);
  if (!engine) throw new Error(`DEMO_ENGINE=${wanted} is not one of ${manifest.engines.map((e) => e.id).join(', ')}`);
  return {
    binary: engine.binary,
    version: engine.version,
    env: { ...env, TF_CLI_CONFIG_FILE: manifest.cliConfigFile, TF_PLUGIN_CACHE_DIR: manifest.pluginCacheDir },
  };
}

function mask(value) {
  return typeof value === 'string' && value.length > 4 ? `${value.slice(0, 4)}${'*'.repeat(Math.min(value.length - 4, 12))}` : '****';
}

const started = Date.now();
const seconds = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
function step(what, detail, from) {
  console.log(`${what.padEnd(18)} ${detail}${from === undefined ? '' : ` (${seconds(from)})`}`);
}

function table(rows) {
  const head = ['runner', 'scope', 'os', 'status', 'labels'];
  const cells = [
    head,
    ...rows.map((r) => [r.name, r.scope.replace(/^[a-z]+:/, ''), r.os, r.status, r.labels.map((l) => l.name).join(',')]),
  ];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  for (const c of cells) console.log(`  ${c.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd());
}

/** The user data of each stand-in VM (`<runner>-vm` null_resource triggers) from the state. */
function vmScripts(stateJson) {
  const resources = (stateJson.values?.root_module?.resources ?? []).filter((r) => r.type === 'null_resource' && r.name.endsWith('-vm'));
  return resources.map((r) => ({ name: r.name.replace(/-vm$/, ''), script: r.values.triggers.user_data }));
}

async function main() {
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const emulator = await startEmulator({});
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-github-runners-demo-'));
  const vms = path.join(work, 'vms');
  try {
    step('emulator', `${emulator.url}: GitHub's runner API, offline; credential ${mask(credential)}`);
    const { binary, version, env: tfEnv } = engineSetup();
    const env = {
      ...process.env,
      ...tfEnv,
      GITHUB_API_URL: emulator.url,
      GITHUB_TOKEN: credential,
      GH_TOKEN: '',
      CDKTF_OUTDIR: path.join(work, 'cdktf.out'),
      RUNNER_INSTALL_ROOT: vms,
    };
    let t = Date.now();
    // Synthesized from the scratch folder, so the local state file lands there too.
    await ok('node', ['-r', path.join(ROOT, 'scripts', 'ts-register.js'), path.join(ROOT, 'examples', 'vm-fleet', 'main.ts')], {
      cwd: work,
      env,
    });
    const dir = path.join(work, 'cdktf.out', 'stacks', 'vm-fleet');
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    const runnerCount = Object.keys(json.resource.null_resource).filter((k) => k.includes('_Identity_')).length;
    step(
      'synth',
      `examples/vm-fleet: ${runnerCount} runners (linux/macos/windows, x64/arm64; org, repo and enterprise; registration token and JIT)`,
      t,
    );

    const tf = (...args) => ok(binary, [...args, '-input=false', '-no-color'], { cwd: dir, env });
    t = Date.now();
    await tf('init');
    step('init', `${path.basename(binary)} ${version ?? ''}`.trim(), t);

    t = Date.now();
    const tokensBefore = emulator.tokensIssued.length;
    const applied = await tf('apply', '-auto-approve');
    const added = /(\d+) added/.exec(applied)?.[1] ?? '?';
    const minted = emulator.tokensIssued.slice(tokensBefore);
    const count = (kind) => minted.filter((m) => m.kind === kind).length;
    step(
      'apply',
      `${added} resources created; ${count('registration')} registration tokens and ${count('jit')} JIT configuration minted`,
      t,
    );

    const state = JSON.parse(await ok(binary, ['show', '-json', '-no-color'], { cwd: dir, env }));
    for (const vm of vmScripts(state)) {
      t = Date.now();
      if (vm.script.startsWith('#!/usr/bin/env bash')) {
        const file = path.join(work, `${vm.name}.sh`);
        fs.writeFileSync(file, vm.script, { mode: 0o700 });
        const r = await run('bash', [file], { cwd: work, env: { PATH: process.env.PATH, HOME: work } });
        fs.rmSync(file);
        if (r.code !== 0) throw new Error(`the install script of VM ${vm.name} failed (${r.code}): ${r.stderr.trim()}`);
        step(`vm ${vm.name}`, 'ran its user data: archive downloaded, SHA-256 verified, runner configured and started', t);
      } else {
        // A Windows VM's PowerShell script needs Windows; check what it would install instead.
        const url = psValue(vm.script, 'DownloadUrl');
        const want = psValue(vm.script, 'ExpectedSha256');
        const got = url
          ? crypto
              .createHash('sha256')
              .update(Buffer.from(await (await fetch(url)).arrayBuffer()))
              .digest('hex')
          : '';
        step(
          `vm ${vm.name}`,
          `PowerShell user data (runs on Windows only, not here); its archive's SHA-256 ${got !== '' && got === want ? 'matches' : 'DOES NOT match'} the script's`,
          t,
        );
      }
    }

    const runners = () => SCOPES.flatMap((s) => emulator.runners(s));
    // A JIT runner's run.sh is started in the background: give it a moment to connect.
    for (let i = 0; i < 100 && runners().some((r) => r.status !== 'online'); i++) await new Promise((r) => setTimeout(r, 100));
    console.log('runners on GitHub (the emulator):');
    table(runners());

    t = Date.now();
    const plan = await run(binary, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: dir, env });
    if (plan.code === 1) throw new Error(`re-plan failed:\n${plan.stdout}${plan.stderr}`);
    step('re-plan', plan.code === 0 ? 'no changes: tokens and user data stay as they are' : 'CHANGES (unexpected)', t);

    t = Date.now();
    const destroyed = await tf('destroy', '-auto-approve');
    step(
      'destroy',
      `${/(\d+) destroyed/.exec(destroyed)?.[1] ?? '?'} resources destroyed; each runner deleted on GitHub by its destroy provisioner`,
      t,
    );
    const left = runners();
    step(
      'runners',
      left.length === 0
        ? 'none left in octo-org, octo-org/octo-repo and octo-enterprise'
        : `${left.length} LEFT: ${left.map((r) => r.name).join(', ')}`,
    );
    const calls = emulator.requests.filter((r) => !r.path.startsWith('/_emulator')).length;
    step('done', `${calls} GitHub API requests answered by the emulator`, started);
    if (plan.code !== 0 || left.length !== 0) process.exitCode = 1;
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});

/** A value the PowerShell script carries base64-encoded (`$Name = ...FromBase64String('...')`). */
function psValue(script, name) {
  const m = new RegExp(
    `\\$${name} = \\[Text\\.Encoding\\]::UTF8\\.GetString\\(\\[Convert\\]::FromBase64String\\('([A-Za-z0-9+/=]*)'\\)\\)`,
  ).exec(script);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : undefined;
}
