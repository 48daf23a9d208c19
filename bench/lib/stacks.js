// Synthesizing the benchmark apps into scratch directories, and the checks on what they wrote.
'use strict';
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
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== '//')
          .map(([k, x]) => [k, strip(x)]),
      );
    return v;
  };
  return strip(JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')));
}

function sameTerraform(dirA, dirB) {
  return JSON.stringify(terraformJson(dirA)) === JSON.stringify(terraformJson(dirB));
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

module.exports = { removeAllScratch, removeStack, scratch, appArgs, synth, appReport, terraformJson, sameTerraform };
