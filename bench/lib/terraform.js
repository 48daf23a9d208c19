// The Terraform engines that `node test/terraform/setup.js` prepared (.e2e-cache/engines.json),
// run with the same environment as the test harness: test builds of hashicorp/null and
// hashicorp/external from the local mirror, plugin cache, no checkpoint calls.
'use strict';
const fs = require('fs');
const path = require('path');
const { measure } = require('./measure');

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = path.join(ROOT, '.e2e-cache', 'engines.json');

function loadManifest() {
  if (!fs.existsSync(MANIFEST)) throw new Error(`${MANIFEST} is missing: run "node test/terraform/setup.js" first (npm run bench does)`);
  return JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
}

/** The engine named by BENCH_ENGINE (default `terraform`, the one on PATH). */
function pickEngine(manifest, id = process.env.BENCH_ENGINE || 'terraform') {
  const engine = manifest.engines.find((e) => e.id === id);
  if (!engine) throw new Error(`BENCH_ENGINE=${id} is not one of ${manifest.engines.map((e) => e.id).join(', ')}: pick one of those`);
  return engine;
}

function engineEnv(manifest, extra = {}) {
  const env = {
    ...process.env,
    ...extra,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
  };
  if (process.env.E2E_PROVIDERS === 'registry') {
    env.TF_PLUGIN_CACHE_DIR = manifest.registryPluginCacheDir;
  } else {
    env.TF_CLI_CONFIG_FILE = manifest.cliConfigFile;
    env.TF_PLUGIN_CACHE_DIR = manifest.pluginCacheDir;
  }
  return env;
}

/** One engine run in `dir`; rejects unless the exit code is one of `okCodes`. */
async function tf(engine, env, dir, args, okCodes = [0]) {
  const r = await measure(engine.binary, args, { env, cwd: dir, rss: false });
  if (!okCodes.includes(r.code)) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().slice(-3000);
    throw new Error(`${engine.id} ${args.join(' ')} exited ${r.code} in ${dir}:\n${tail}`);
  }
  return r;
}

module.exports = { loadManifest, pickEngine, engineEnv, tf, ROOT };
