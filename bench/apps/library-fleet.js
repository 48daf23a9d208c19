#!/usr/bin/env node
// The fleet as a user writes it with cdktf-github-runners: N organization runners, each (with
// --vms) rendering a RunnerDownload-based install script into a stand-in VM's user data (kept
// in state as its SHA-1, as aws_instance keeps it).
// Usage: node bench/apps/library-fleet.js --runners 1000 --vms --out DIR
'use strict';
const { performance } = require('perf_hooks');
const { fleetArgs, fleetBackend, runnerName, RUNNER_LABELS, report, vmTriggers } = require('./fleet-args');

const opts = fleetArgs();
const { App, TerraformStack } = require('cdktf');
const { Resource: NullResource } = require('@cdktf/provider-null/lib/resource');
const { OrgRunner, RunnerDownload } = require('cdktf-github-runners');
const loadedMs = performance.now();

const app = new App({ outdir: opts.out });
const stack = new TerraformStack(app, 'fleet');
fleetBackend(stack, opts.stateUrl);
const { org, apiUrl } = opts;
const linux = opts.vms ? new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' }) : undefined;
for (let i = 1; i <= opts.runners; i++) {
  const runner = new OrgRunner(stack, `runner-${i}`, {
    org,
    apiUrl,
    name: runnerName(i, opts.prefix),
    labels: RUNNER_LABELS,
    jit: opts.jit,
  });
  if (linux) new NullResource(stack, `vm-${i}`, { triggers: vmTriggers(stack, i, runner.installScript(linux)) });
}
const builtMs = performance.now();
app.synth();
report({ loadMs: loadedMs, buildMs: builtMs - loadedMs, synthMs: performance.now() - builtMs });
