#!/usr/bin/env node
// A fleet of one runner mode: N organization runners, all registration-token runners or all JIT
// runners (`--jit`), each (with --vms) rendering its install script into a stand-in VM's user data
// as bench/apps/library-fleet.js does. Used by the fleet-scaling and destroy benchmarks.
// Usage: node bench/apps/mode-fleet.js --runners 100 [--jit] [--vms] --org ORG --prefix NAME --api-url URL --out DIR
'use strict';
const path = require('path');

const opts = { runners: 10, jit: false, vms: false, org: 'bench-org', prefix: 'fleet', apiUrl: '', out: 'cdktf.out' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--runners') opts.runners = Number(argv[++i]);
  else if (a === '--jit') opts.jit = true;
  else if (a === '--vms') opts.vms = true;
  else if (a === '--org') opts.org = argv[++i];
  else if (a === '--prefix') opts.prefix = argv[++i];
  else if (a === '--api-url') opts.apiUrl = argv[++i];
  else if (a === '--out') opts.out = path.resolve(argv[++i]);
  else throw new Error(`unknown argument ${a}: use --runners N [--jit] [--vms] --api-url URL [--org O] [--prefix NAME] [--out DIR]`);
}
if (!Number.isInteger(opts.runners) || opts.runners < 1) throw new Error('--runners needs a positive integer');
if (!opts.apiUrl) throw new Error('--api-url is required');

const { App, LocalBackend, TerraformStack } = require('cdktf');
const { Resource: NullResource } = require('@cdktf/provider-null/lib/resource');
const { OrgRunner, RunnerDownload } = require('cdktf-github-runners');

const app = new App({ outdir: opts.out });
const stack = new TerraformStack(app, 'fleet');
new LocalBackend(stack, { path: 'terraform.tfstate' });
const { org, apiUrl } = opts;
const linux = opts.vms ? new RunnerDownload(stack, 'linux-x64', { org, apiUrl, os: 'linux', architecture: 'x64' }) : undefined;
for (let i = 1; i <= opts.runners; i++) {
  const runner = new OrgRunner(stack, `runner-${i}`, { org, apiUrl, name: `${opts.prefix}-${i}`, labels: ['linux', 'x64'], jit: opts.jit });
  if (linux) new NullResource(stack, `vm-${i}`, { triggers: { user_data: runner.installScript(linux) } });
}
app.synth();
