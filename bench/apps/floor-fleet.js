#!/usr/bin/env node
// The floor of the synth and plan benchmarks: the same Terraform JSON as library-fleet.js,
// hand-written with the raw provider classes at the top of the stack, no constructs of the
// library. Resources carry the logical ids cdktf gives the library's nested constructs, so the
// two cdk.tf.json files are identical but for cdktf's "//" metadata (run.js checks it) and one
// applied state serves both. The install script text comes from the library's pure renderer,
// so the floor cannot drift from the real user data.
// Usage: node bench/apps/floor-fleet.js --runners 1000 --vms --out DIR
'use strict';
const crypto = require('crypto');
const path = require('path');
const { performance } = require('perf_hooks');
const { fleetArgs, fleetBackend, runnerName, RUNNER_LABELS, report, vmTriggers } = require('./fleet-args');

const opts = fleetArgs();
if (opts.jit) throw new Error('the floor writes registration-token runners only: drop --jit');
const { App, AssetType, Fn, TerraformAsset, TerraformStack, Token } = require('cdktf');
const { NullProvider } = require('@cdktf/provider-null/lib/provider');
const { Resource: NullResource } = require('@cdktf/provider-null/lib/resource');
const { ExternalProvider } = require('@cdktf/provider-external/lib/provider');
const { DataExternal } = require('@cdktf/provider-external/lib/data-external');
const { renderInstallScript } = require('../../dist/install-script');
const loadedMs = performance.now();

const ROOT = path.resolve(__dirname, '..', '..');

/** cdktf's logical id of a construct nested at `components` (its makeUniqueId). */
function nestedId(...components) {
  return `${components.join('_')}_${crypto.createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase()}`;
}

const { org, apiUrl } = opts;
const app = new App({ outdir: opts.out });
const stack = new TerraformStack(app, 'fleet');
fleetBackend(stack, opts.stateUrl);
const runtime = new TerraformAsset(stack, nestedId('GitHubRunnersRuntime', 'Bundle'), {
  path: path.join(ROOT, 'dist', 'runtime', 'runtime.js'),
  type: AssetType.FILE,
});
new NullProvider(stack, 'null');
new ExternalProvider(stack, 'external');

// The library names its shared data sources after the scope and a hash of the connection.
const shared = `GitHubRunners-org-${org}-${crypto.createHash('sha256').update(`${apiUrl}||org:${org}`).digest('hex').slice(0, 8)}`;
const program = ['node', runtime.path, 'data'];
const scopeQuery = { contract_version: '1', api_url: apiUrl, credential_env: '', org };
const downloads = opts.vms
  ? new DataExternal(stack, nestedId(shared, 'Downloads'), {
      program,
      query: { ...scopeQuery, operation: 'downloads', platforms: 'linux/x64', checksum_required: 'linux/x64' },
    })
  : undefined;

const deleteCommand = `node '${runtime.path}' delete-runner --api-url "$CGR_API_URL" --org "$CGR_ORG" --name "$CGR_NAME" --busy-timeout "$CGR_BUSY_TIMEOUT" --identity "$CGR_IDENTITY"`;
const checkNameCommand = `node '${runtime.path}' check-name --api-url "$CGR_API_URL" --org "$CGR_ORG" --name "$CGR_NAME" --identity "$CGR_IDENTITY"`;
const triggersOf = (i) => ({
  api_url: apiUrl,
  org,
  name: runnerName(i, opts.prefix),
  labels: RUNNER_LABELS.join(','),
  runner_group: '',
  work_folder: '',
  mode: 'persistent',
  no_default_labels: 'false',
});
const identities = [];
for (let i = 1; i <= opts.runners; i++) {
  identities.push(
    new NullResource(stack, nestedId(`runner-${i}`, 'Identity'), {
      triggers: triggersOf(i),
      provisioners: [
        {
          type: 'local-exec',
          when: 'destroy',
          command: deleteCommand,
          environment: {
            CGR_API_URL: '${self.triggers.api_url}',
            CGR_ORG: '${self.triggers.org}',
            CGR_NAME: '${self.triggers.name}',
            CGR_BUSY_TIMEOUT: '300',
            CGR_IDENTITY: '${self.id}',
          },
        },
      ],
    }),
  );
}
// The scope's epoch: a SHA-256 of every runner's construct path and identity triggers (keys
// sorted), runners sorted by path; the token source's query references its id.
const fleet = Array.from({ length: opts.runners }, (_, k) => [
  `fleet/runner-${k + 1}`,
  Object.entries(triggersOf(k + 1)).sort(([a], [b]) => (a < b ? -1 : 1)),
]).sort(([a], [b]) => (a < b ? -1 : 1));
const epoch = new NullResource(stack, nestedId(shared, 'Epoch'), {
  triggers: { runners: crypto.createHash('sha256').update(JSON.stringify(fleet)).digest('hex') },
});
const token = new DataExternal(stack, nestedId(shared, 'RegistrationToken'), {
  program,
  query: { ...scopeQuery, operation: 'registration-token', generations: epoch.id },
});
const download = (field) => downloads.result.lookup(`linux/x64:${field}`);
for (let i = 1; i <= opts.runners; i++) {
  const identity = identities[i - 1];
  const credentials = new NullResource(stack, nestedId(`runner-${i}`, 'Credentials'), {
    triggers: {
      token: Fn.sensitive(token.result.lookup('token')),
      runner_url: token.result.lookup('runner_url'),
      jit_config: '',
      runner_id: '',
      runner_name: runnerName(i, opts.prefix),
      api_url: apiUrl,
      org,
    },
    provisioners: [
      {
        type: 'local-exec',
        command: checkNameCommand,
        environment: { CGR_API_URL: apiUrl, CGR_ORG: org, CGR_NAME: runnerName(i, opts.prefix), CGR_IDENTITY: identity.id },
      },
    ],
    lifecycle: { ignoreChanges: ['triggers'], replaceTriggeredBy: [`null_resource.${identity.friendlyUniqueId}`] },
  });
  if (!downloads) continue;
  const attr = (k) => Token.asString(credentials.interpolationForAttribute(`triggers.${k}`));
  const userData = renderInstallScript({
    os: 'linux',
    downloadUrl: download('download_url'),
    sha256Checksum: download('sha256_checksum'),
    tempDownloadToken: Fn.sensitive(download('temp_download_token')),
    pinned: false,
    runnerUrl: attr('runner_url'),
    token: attr('token'),
    jitConfig: attr('jit_config'),
    jit: false,
    name: runnerName(i, opts.prefix),
    // The ownership marker the library adds to a registration-token runner's labels.
    labels: [...RUNNER_LABELS, Fn.format('cgr-%s', [Fn.substr(Fn.sha256(identity.id), 0, 12)])],
    ephemeral: false,
    noDefaultLabels: false,
  });
  new NullResource(stack, `vm-${i}`, { triggers: vmTriggers(stack, i, userData) });
}
const builtMs = performance.now();
app.synth();
report({ loadMs: loadedMs, buildMs: builtMs - loadedMs, synthMs: performance.now() - builtMs });
