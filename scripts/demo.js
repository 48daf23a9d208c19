#!/usr/bin/env node
// The main job, offline: start the embedded GitHub emulator, deploy examples/basic against it
// with a real Terraform, print the outputs (tokens masked), destroy, stop the emulator.
// Usage: npm run demo   (DEMO_ENGINE=terraform|tofu|terraform-1.15 picks an engine from the test harness)
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const { startEmulator } = require(path.join(ROOT, 'dist', 'emulator'));

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${stdout}${stderr}`))));
  });
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
  return { binary: engine.binary, env: { ...env, TF_CLI_CONFIG_FILE: manifest.cliConfigFile, TF_PLUGIN_CACHE_DIR: manifest.pluginCacheDir } };
}

function mask(value) {
  return typeof value === 'string' && value.length > 4 ? `${value.slice(0, 4)}${'*'.repeat(value.length - 4)}` : '****';
}

async function main() {
  const credential = `ghp_${crypto.randomBytes(18).toString('hex')}`;
  const emulator = await startEmulator({});
  emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-github-runners-demo-'));
  try {
    console.log(`emulator: ${emulator.url}`);
    const { binary, env: tfEnv } = engineSetup();
    const env = { ...process.env, ...tfEnv, GITHUB_API_URL: emulator.url, GITHUB_ORG: 'octo-org', GITHUB_TOKEN: credential, CDKTF_OUTDIR: path.join(work, 'cdktf.out') };
    // Synthesized from the scratch folder, so the local state file lands there too.
    await run('node', ['-r', path.join(ROOT, 'scripts', 'ts-register.js'), path.join(ROOT, 'examples', 'basic', 'main.ts')], { cwd: work, env });
    const dir = path.join(work, 'cdktf.out', 'stacks', 'basic');
    console.log(`synthesized: ${dir}`);
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-auto-approve', '-input=false', '-no-color']]) {
      console.log(`${path.basename(binary)} ${args[0]}`);
      await run(binary, args, { cwd: dir, env });
    }
    const outputs = JSON.parse(await run(binary, ['output', '-json'], { cwd: dir, env }));
    console.log('outputs:');
    for (const [name, { value, sensitive }] of Object.entries(outputs)) {
      console.log(`  ${name} = ${sensitive ? `${mask(value)} (sensitive)` : value}`);
    }
    console.log(`${path.basename(binary)} destroy`);
    await run(binary, ['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
    const calls = emulator.requests.filter((r) => !r.path.startsWith('/_emulator'));
    console.log(`done: ${calls.length} GitHub API requests answered by the emulator`);
  } finally {
    await emulator.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
