// Synthesizing the benchmark apps into scratch directories, and the checks on what they wrote.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { measureOk } = require('./measure');

const APPS = path.resolve(__dirname, '..', 'apps');
const APP_FILES = { library: 'library-fleet.js', floor: 'floor-fleet.js', perVm: 'per-vm-tokens.js' };

const scratchDirs = new Set();

function scratch(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cgr-bench-${prefix}-`));
  scratchDirs.add(dir);
  return dir;
}

/** Removes every scratch directory still there (run.js calls it however the run ends). */
function removeAllScratch() {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  scratchDirs.clear();
}

function appArgs(kind, { runners, vms, apiUrl, out }) {
  const file = APP_FILES[kind];
  if (!file) throw new Error(`unknown app kind ${kind}: use one of ${Object.keys(APP_FILES).join(', ')}`);
  return [path.join(APPS, file), '--runners', String(runners), ...(vms ? ['--vms'] : []), '--api-url', apiUrl, '--out', out];
}

/** Synthesizes one app (untimed use) and returns the stack directory. */
async function synth(kind, opts) {
  const out = opts.out ?? scratch(kind);
  await measureOk(process.execPath, appArgs(kind, { ...opts, out }), { rss: false });
  return path.join(out, 'stacks', 'fleet');
}

/** The app's own report: its last stdout line. */
function appReport(stdout) {
  const line = stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`the benchmark app printed no timing line (got "${line}")`);
  }
}

/** cdk.tf.json without cdktf's "//" metadata, which names construct paths and nothing Terraform reads. */
function terraformJson(stackDir) {
  const strip = (v) => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//').map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip(JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')));
}

function sameTerraform(dirA, dirB) {
  return JSON.stringify(terraformJson(dirA)) === JSON.stringify(terraformJson(dirB));
}

/**
 * The fix proposed for the quadratic state (see docs/benchmarks.md), applied to the library's
 * JSON: the registration token source's query references one "epoch" resource whose trigger is
 * a hash of every runner identity's triggers (a literal known at synth), instead of referencing
 * every identity. Adding, removing or redefining a runner still replaces the epoch and so still
 * defers the read to the apply; each consumer depends on 1 resource instead of N.
 */
function withEpoch(json) {
  const out = JSON.parse(JSON.stringify(json));
  const resources = out.resource.null_resource;
  const identities = Object.keys(resources).filter((k) => /_Identity_[0-9A-F]{8}$/.test(k)).sort();
  const fleet = crypto.createHash('sha256').update(JSON.stringify(identities.map((k) => [k, resources[k].triggers]))).digest('hex');
  resources.GitHubRunners_Epoch = { triggers: { fleet } };
  for (const source of Object.values(out.data.external)) {
    if (source.query.generations !== undefined) source.query.generations = '${null_resource.GitHubRunners_Epoch.id}';
  }
  return out;
}

/** Copies a synthesized stack directory, rewriting its JSON with `transform`. */
function derivedStack(fromDir, transform, prefix) {
  const dir = path.join(scratch(prefix), 'stack');
  fs.cpSync(fromDir, dir, { recursive: true, filter: (src) => !/[/\\](\.terraform|terraform\.tfstate[^/\\]*)$/.test(src) });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(transform(terraformJson(fromDir)), null, 2));
  return dir;
}

/** Removes the scratch directory a stack directory lives in. */
function removeStack(stackDir) {
  let dir = path.resolve(stackDir);
  while (!path.basename(dir).startsWith('cgr-bench-')) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`${stackDir} is not in a benchmark scratch directory`);
    dir = up;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { removeAllScratch, removeStack, scratch, appArgs, synth, appReport, terraformJson, sameTerraform, withEpoch, derivedStack };
