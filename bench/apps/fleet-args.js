// Command line shared by the benchmark apps, so the library stack and its hand-written floor are
// built from the same description: N org runners, optionally each with a stand-in VM. The
// pipeline app adds its pipeline name and the folder its stand-in VMs install into.
'use strict';
const path = require('path');

function fleetArgs(argv = process.argv.slice(2)) {
  const opts = {
    runners: 10,
    vms: false,
    jit: false,
    prefix: 'bench-runner',
    org: 'bench-org',
    apiUrl: 'http://127.0.0.1:1',
    out: 'cdktf.out',
    stateUrl: '',
    pipeline: '',
    vmRoot: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--vms') opts.vms = true;
    else if (a === '--jit') opts.jit = true;
    else if (a === '--prefix') opts.prefix = argv[++i];
    else if (a === '--runners') opts.runners = Number(argv[++i]);
    else if (a === '--org') opts.org = argv[++i];
    else if (a === '--api-url') opts.apiUrl = argv[++i];
    else if (a === '--out') opts.out = path.resolve(argv[++i]);
    else if (a === '--state-url') opts.stateUrl = argv[++i];
    else if (a === '--pipeline') opts.pipeline = argv[++i];
    else if (a === '--vm-root') opts.vmRoot = path.resolve(argv[++i]);
    else
      throw new Error(
        `unknown argument ${a}: use --runners N [--vms] [--jit] [--prefix NAME] [--org O] [--api-url URL] [--state-url URL] [--pipeline NAME] [--vm-root DIR] [--out DIR]`,
      );
  }
  if (!Number.isInteger(opts.runners) || opts.runners < 1) throw new Error('--runners needs a positive integer');
  return opts;
}

const runnerName = (i, prefix = 'bench-runner') => `${prefix}-${i}`;
const RUNNER_LABELS = ['linux', 'x64'];

/**
 * Printed by every app as its last stdout line: time since node started (module loading
 * included), split at the points that matter, and the process's peak RSS.
 */
function report(marks) {
  const { performance } = require('perf_hooks');
  const now = performance.now();
  process.stdout.write(`${JSON.stringify({ ...marks, totalMs: now, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

/** The stack's backend: Terraform's `http` backend at `stateUrl` (bench/lib/state-server.js), else a local file. */
function fleetBackend(stack, stateUrl) {
  const { HttpBackend, LocalBackend } = require('cdktf');
  if (stateUrl) new HttpBackend(stack, { address: stateUrl });
  else new LocalBackend(stack, { path: 'terraform.tfstate' });
}

/**
 * A stand-in VM's triggers: the SHA-1 of its user data, which is what aws_instance keeps in
 * state (its `user_data` attribute), not the text. The text goes in a local so that cdktf accepts
 * it as sha1()'s argument; locals are not stored in state.
 */
function vmTriggers(stack, i, userData) {
  const { Fn, TerraformLocal } = require('cdktf');
  return { user_data: Fn.sha1(new TerraformLocal(stack, `user-data-${i}`, userData).asString) };
}

module.exports = { fleetArgs, fleetBackend, runnerName, RUNNER_LABELS, report, vmTriggers };
