#!/usr/bin/env node
// One pipeline's stack for the concurrent-pipelines benchmark: N organization runners, the first
// half registration-token runners and the rest JIT runners, each with a stand-in VM that runs its
// install script during the apply, as a cloud VM runs its user data (its state keeps the script's
// SHA-1, as aws_instance does; the text reaches the script through the provisioner's environment).
// Usage: node bench/apps/pipeline-fleet.js --runners 50 --pipeline p1 --api-url URL --vm-root DIR [--state-url URL] --out DIR
'use strict';
const path = require('path');

const { fleetArgs, fleetBackend, RUNNER_LABELS, vmTriggers } = require('./fleet-args');

const opts = fleetArgs();
if (!Number.isInteger(opts.runners) || opts.runners < 2) throw new Error('--runners needs an integer of at least 2 (half of them JIT)');
if (!opts.pipeline || !opts.vmRoot) throw new Error('--pipeline and --vm-root are required');

const { App, TerraformStack } = require('cdktf');
const { Resource: NullResource } = require('@cdktf/provider-null/lib/resource');
const { OrgRunner, RunnerDownload } = require('cdktf-github-runners');

const app = new App({ outdir: opts.out });
const stack = new TerraformStack(app, 'fleet');
fleetBackend(stack, opts.stateUrl);
const { org, apiUrl } = opts;
const linux = new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' });
for (let i = 1; i <= opts.runners; i++) {
  const jit = i > opts.runners / 2;
  const runner = new OrgRunner(stack, `runner-${i}`, { org, apiUrl, name: `${opts.pipeline}-runner-${i}`, labels: RUNNER_LABELS, jit });
  const installDir = path.join(opts.vmRoot, `${opts.pipeline}-${i}`);
  const userData = runner.installScript(linux, { installDir, service: false });
  new NullResource(stack, `vm-${i}`, {
    triggers: vmTriggers(stack, i, userData),
    provisioners: [{ type: 'local-exec', command: 'bash -c "$USER_DATA" >/dev/null', environment: { USER_DATA: userData } }],
  });
}
app.synth();
