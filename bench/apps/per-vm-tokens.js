#!/usr/bin/env node
// The per-VM pattern that the GitHub Terraform provider's github_actions_registration_token data
// source imposes: one data source per VM, each minting a registration token at every refresh,
// here as raw cdktf with one `external` data source per VM running the same runtime
// (operation=registration-token). Only the plan-time API cost benchmark uses it.
// Usage: node bench/apps/per-vm-tokens.js --runners 100 --api-url URL --out DIR
'use strict';
const path = require('path');
const { performance } = require('perf_hooks');
const { fleetArgs, runnerName, RUNNER_LABELS, report, vmTriggers } = require('./fleet-args');

const opts = fleetArgs();
const { App, AssetType, Fn, LocalBackend, TerraformAsset, TerraformStack } = require('cdktf');
const { NullProvider } = require('@cdktf/provider-null/lib/provider');
const { Resource: NullResource } = require('@cdktf/provider-null/lib/resource');
const { ExternalProvider } = require('@cdktf/provider-external/lib/provider');
const { DataExternal } = require('@cdktf/provider-external/lib/data-external');
const loadedMs = performance.now();

const ROOT = path.resolve(__dirname, '..', '..');
const { org, apiUrl } = opts;
const app = new App({ outdir: opts.out });
const stack = new TerraformStack(app, 'fleet');
new LocalBackend(stack, { path: 'terraform.tfstate' });
const runtime = new TerraformAsset(stack, 'runtime', { path: path.join(ROOT, 'dist', 'runtime', 'runtime.js'), type: AssetType.FILE });
new NullProvider(stack, 'null');
new ExternalProvider(stack, 'external');
const program = ['node', runtime.path, 'data'];
for (let i = 1; i <= opts.runners; i++) {
  const token = new DataExternal(stack, `vm-${i}-token`, {
    program,
    query: { contract_version: '1', api_url: apiUrl, credential_env: '', org, operation: 'registration-token' },
  });
  const userData = [
    '#!/usr/bin/env bash',
    `./config.sh --url '${token.result.lookup('runner_url')}' --token '${Fn.sensitive(token.result.lookup('token'))}' --name '${runnerName(i)}' --labels '${RUNNER_LABELS.join(',')}' --unattended --replace`,
    '',
  ].join('\n');
  new NullResource(stack, `vm-${i}`, { triggers: vmTriggers(stack, i, userData) });
}
const builtMs = performance.now();
app.synth();
report({ loadMs: loadedMs, buildMs: builtMs - loadedMs, synthMs: performance.now() - builtMs });
