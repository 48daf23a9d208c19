import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { OrgRunner, OrgRunnerToken, RepoRunner, RunnerDownload, Runners } from '../../lib';
import { renderInstallScript } from '../../lib/install-script';
import { Emulator, startEmulator } from '../../lib/emulator';
import { nodeFetch } from '../../lib/runtime/node-fetch';
import {
  checkChecksum,
  checkDownloadToken,
  checkDownloadUrl,
  checkFilename,
  checkJitConfig,
  checkRunnerToken,
} from '../../lib/runtime/answers';
import { engines, tempDir } from '../terraform/harness';
import { Workspace, canaryCredential, synthStack } from '../e2e/support';
import { thrown } from './diagnostics';
import { payloads, runVm, scriptValue, VmRun } from './sandbox';
import { synthJson } from '../constructs/synth';

/**
 * Rows X1-X12 of test/reliability/matrix.json ("security", issue 13): nothing from the API or a
 * Terraform variable runs as code, downloads come only from where runners come from, no token is
 * in a process's argv, and the smaller holes are closed. Scripts are executed in a sandbox
 * (test/reliability/sandbox.ts) against the emulator; plans and applies run a real Terraform.
 */

const ORG = 'octo-org';
const LOCAL = 'http://127.0.0.1:1';

function oneLine(message: string): void {
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.length).toBeLessThan(400);
}

// ------------------------------------------------------------------------------- synth time

const BAD_API_URLS: [string, string, RegExp][] = [
  ['credentials', 'https://user:secret@github.example.com/api/v3', /^bad-input\/T: apiUrl must not contain credentials \(user:password@\)/],
  ['a query', 'https://github.example.com/api/v3?x=1', /has a query or fragment: use the bare API base URL/],
  ['a fragment', 'https://github.example.com/api/v3#frag', /has a query or fragment: use the bare API base URL/],
  ['a *.localhost name on http', 'http://evil.localhost:8080', /is not https: .*plain http is allowed only for loopback addresses/],
  ['a name that merely starts with 127 on http', 'http://127.0.0.1.example.com', /is not https/],
];

const TOKEN_NAMES = ['ghs_' + 'a'.repeat(36), 'ghp_' + 'B'.repeat(36), 'github_pat_' + 'c'.repeat(30)];

describe('synth time', () => {
  test.each(BAD_API_URLS)('X1: an apiUrl with %s is refused at synth with one line', (_what, apiUrl, says) => {
    const message = thrown((s) => new OrgRunnerToken(s, 'T', { org: ORG, apiUrl }));
    oneLine(message);
    expect(message).toMatch(says);
    expect(message).not.toContain('secret');
  });

  test('X1: literal loopback addresses and exactly localhost are accepted on http', () => {
    for (const apiUrl of ['http://127.0.0.1:8080', 'http://127.255.0.9', 'http://[::1]:8080', 'http://localhost:8080']) {
      expect(() => new OrgRunnerToken(new TerraformStack(Testing.app(), 's'), 'T', { org: ORG, apiUrl })).not.toThrow();
    }
  });

  test.each(TOKEN_NAMES)('X2: a runner name shaped like a token (%s) is refused at synth, as the runtime would refuse it', (name) => {
    const message = thrown((s) => new OrgRunner(s, 'R', { org: ORG, apiUrl: LOCAL, name }));
    oneLine(message);
    expect(message).toMatch(/looks like a GitHub token: choose another name/);
  });

  test('X11: the PowerShell script: every value is a base64 literal decoded into a variable, and no value reaches a command line', () => {
    const canary = '/tmp/never';
    const hostile = payloads(canary)
      .map(([, p]) => p)
      .join('');
    // Hostile literals in every field (as if a check were bypassed) and Terraform references.
    const literal = (jit: boolean) =>
      renderInstallScript(
        {
          os: 'win',
          downloadUrl: hostile,
          sha256Checksum: hostile,
          tempDownloadToken: hostile,
          pinned: true,
          runnerUrl: hostile,
          token: hostile,
          jitConfig: hostile,
          jit,
          name: hostile,
          labels: [hostile, 'b'],
          runnerGroup: hostile,
          workFolder: hostile,
          ephemeral: true,
          noDefaultLabels: true,
        },
        { installDir: 'C:\\runner dir', service: !jit },
      );
    const synthesized = (jit: boolean) => {
      const json = synthJson((s) => {
        const v = new TerraformVariable(s, 'v', { type: 'string' });
        const d = new RunnerDownload(s, 'D', { org: ORG, os: 'windows', architecture: 'x64' });
        const r = new OrgRunner(s, 'R', {
          org: ORG,
          name: 'vm-1',
          jit,
          labels: ['a', v.stringValue],
          ...(jit ? {} : { runnerGroup: v.stringValue, workFolder: v.stringValue }),
        });
        new TerraformOutput(s, 'script', { value: r.installScript(d), sensitive: true });
      });
      return json.output.script.value as string;
    };
    const valueVars = [
      'RunnerDir',
      'DownloadUrl',
      'ExpectedSha256',
      'DownloadToken',
      'RunnerUrl',
      'RunnerToken',
      'RunnerName',
      'RunnerLabels',
      'RunnerGroup',
      'RunnerWork',
      'JitConfig',
    ];
    // Where a value variable may be used: an environment variable of a child, a cmdlet parameter
    // bound to a variable, a hashtable value, a comparison, and double-quoted messages (PowerShell
    // expands a variable in a string without parsing its content).
    const allowedUse = [
      /^\$env:ACTIONS_RUNNER_INPUT_[A-Z]+ = \$\w+$/,
      /^Invoke-WebRequest -UseBasicParsing -Uri \$DownloadUrl -OutFile \$Archive -Headers \$Headers$/,
      /^if \(\$DownloadToken\) \{ \$Headers\['Authorization'\] = 'Bearer ' \+ \$DownloadToken \}$/,
      /^if \(-not \$ExpectedSha256\) \{ throw "[^"`]*" \}$/,
      /^if \(\$ActualSha256 -ne \$ExpectedSha256\) \{$/,
      /^ {2}throw "[^"`]*"$/,
      /^New-Item -ItemType Directory -Force -Path \$RunnerDir \| Out-Null$/,
      /^Expand-Archive -Path \$Archive -DestinationPath \$RunnerDir -Force$/,
      /^Set-Location \$RunnerDir$/,
      /^ {2}(Start-Process -WindowStyle Hidden -FilePath |& )\(Join-Path \$RunnerDir '(run|config)\.cmd'\)( --[a-z-]+)*$/,
      /^Start-Process -WindowStyle Hidden -FilePath \(Join-Path \$RunnerDir 'run\.cmd'\)$/,
      /^Write-Output "cdktf-github-runners: runner installed in \$RunnerDir"$/,
    ];
    for (const text of [literal(false), literal(true), synthesized(false), synthesized(true)]) {
      expect(text).toMatch(/^[\x20-\x7e\r\n]*$/); // no U+2018..U+201B or any other non-ASCII
      const lines = text.split('\r\n');
      for (const line of lines) {
        const assignment = /^\$(\w+) = \[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([^']*)'\)\)$/.exec(line);
        if (assignment) {
          expect(valueVars).toContain(assignment[1]);
          // A base64 literal, or Terraform's base64encode() of a reference (which yields base64).
          expect(assignment[2]).toMatch(/^([A-Za-z0-9+/]*={0,2}|\$\{base64encode\([^']*\)\})$/);
          continue;
        }
        // Outside those assignments no quoted text holds a value and no template is spliced in.
        expect(line).not.toMatch(/\$\{|%\{/);
        const uses = valueVars.filter((v) => new RegExp(`\\$${v}\\b`).test(line));
        if (uses.length > 0 && !allowedUse.some((re) => re.test(line)))
          throw new Error(`a value variable is used outside the allowed places: ${line}`);
        // Every single-quoted literal is one of the script's own constants.
        for (const q of line.match(/'[^']*'/g) ?? []) {
          expect([
            "'Stop'",
            "'actions-runner-'",
            "'.zip'",
            "'Authorization'",
            "'Bearer '",
            "'run.cmd'",
            "'config.cmd'",
            "'cdktf-github-runners: config.cmd failed'",
          ]).toContain(q);
        }
      }
      // config.cmd (a batch file) and run.cmd get literal flags only: their inputs come from the environment.
      for (const line of lines.filter((l) => /\.cmd'\)/.test(l)))
        expect(line).toMatch(/\.cmd'\)( --(unattended|replace|ephemeral|disableupdate|no-default-labels|runasservice))*$/);
    }
  });
});

// --------------------------------------------------------- API values and plan time (Terraform)

describe.each(engines().map((e) => [e.id, e] as const))('hostile or malformed API answers, with a real Terraform (%s)', (_id, engine) => {
  const credential = canaryCredential();
  const canaryDir = tempDir('sec-canary-');
  const canary = path.join(canaryDir, 'PWNED');
  const hostile = payloads(canary)[0][1];
  let emulator: Emulator;
  let ws: Workspace;
  const targets: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
    const apiUrl = emulator.url;
    const address = (c: { dataSource: { friendlyUniqueId: string } }) => `data.external.${c.dataSource.friendlyUniqueId}`;
    const dir = synthStack((s) => {
      targets.token = address(new OrgRunnerToken(s, 'Token', { org: ORG, apiUrl }));
      targets.downloads = address(new RunnerDownload(s, 'Linux', { org: ORG, apiUrl, os: 'linux', architecture: 'x64' }));
      targets.mirror = address(
        new RunnerDownload(s, 'Mirror', {
          owner: ORG,
          repository: 'octo-repo',
          apiUrl,
          os: 'linux',
          architecture: 'x64',
          allowedDownloadHosts: ['mirror.example.com'],
        }),
      );
      targets.runners = address(new Runners(s, 'List', { org: ORG, apiUrl }));
      const jit = new RepoRunner(s, 'Jit', { owner: ORG, repository: 'octo-repo', apiUrl, name: 'sec-jit', jit: true });
      targets.jit = `null_resource.${jit.credentials.friendlyUniqueId}`;
      const name = new TerraformVariable(s, 'runner_name', { type: 'string', default: 'ok-name' });
      const named = new RepoRunner(s, 'Named', { owner: ORG, repository: 'octo-repo', apiUrl, name: name.stringValue });
      targets.named = `null_resource.${named.credentials.friendlyUniqueId}`;
    });
    ws = await Workspace.init(engine, dir, credential);
  });
  afterEach(() => emulator?.clearFaults());
  afterAll(() => emulator?.close());

  /** Runs a targeted plan or apply that must fail; returns the runtime's one line. */
  async function fails(command: 'plan' | 'apply', target: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<string> {
    const args = command === 'apply' ? ['apply', '-auto-approve'] : ['plan'];
    const r = await ws.run([...args, '-input=false', '-no-color', '-lock=false', `-target=${target}`, ...extra], env);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.code).toBe(1);
    const m = /(?:Error Message|Output):([\s\S]*?)(?:\n\s*State: exit status 1|\n╵|$)/.exec(r.stderr);
    if (!m) throw new Error(`no runtime error message in:\n${all}`);
    const message = m[1].replace(/\s+/g, ' ').trim();
    expect(message.startsWith('cdktf-github-runners: ')).toBe(true);
    expect(message.split('cdktf-github-runners:')).toHaveLength(2);
    expect(message).not.toMatch(/internal error|TypeError|\bat .*\.js:\d+|unmarshal/);
    expect(all).not.toContain(credential);
    expect(fs.existsSync(canary)).toBe(false);
    return message.slice('cdktf-github-runners: '.length);
  }

  const downloadsAnswer = (entry: Record<string, unknown>) =>
    JSON.stringify([
      {
        os: 'linux',
        architecture: 'x64',
        filename: 'actions-runner-linux-x64-2.329.0.tar.gz',
        download_url: `${emulator.url}/_emulator/downloads/v2.329.0/actions-runner-linux-x64-2.329.0.tar.gz`,
        sha256_checksum: 'a'.repeat(64),
        ...entry,
      },
    ]);
  const onDownloads = (body: string) =>
    emulator.addFault({ method: 'GET', path: '/actions/runners/downloads$', status: 200, body, times: 0 });
  const server = () => `GitHub at ${emulator.url} answered a`;

  test('X3: a hostile registration token is refused at plan, naming the field and the server', async () => {
    emulator.addFault({
      method: 'POST',
      path: '/registration-token$',
      status: 201,
      body: JSON.stringify({ token: hostile, expires_at: '2030-01-01T00:00:00Z' }),
      times: 0,
    });
    expect(await fails('plan', targets.token)).toBe(
      `${server()} registration token that is not a token (letters, digits, . _ -): refusing to pass it on; check that api_url points at GitHub (or your GitHub Enterprise Server)`,
    );
  });

  test('X3: a hostile JIT configuration is refused at apply, before it reaches the state', async () => {
    emulator.addFault({
      method: 'POST',
      path: '/generate-jitconfig$',
      status: 201,
      body: JSON.stringify({ runner: { id: 4242, name: 'sec-jit' }, encoded_jit_config: hostile }),
      times: 0,
    });
    expect(await fails('apply', targets.jit)).toMatch(
      new RegExp(`^${escape(server())} encoded_jit_config that is not base64 text: refusing to pass it on`),
    );
    expect(ws.state()).not.toContain('touch');
  });

  const HOSTILE_DOWNLOAD_FIELDS: [string, Record<string, unknown>, string][] = [
    ['download_url', { download_url: hostile }, 'download_url that is not an https URL'],
    ['sha256_checksum', { sha256_checksum: hostile }, 'sha256_checksum that is not 64 hexadecimal digits'],
    ['temp_download_token', { temp_download_token: hostile }, 'temp_download_token that is not a token (letters, digits, . _ -)'],
  ];
  test.each(HOSTILE_DOWNLOAD_FIELDS)(
    'X3: a hostile %s is refused at plan, naming the field and the server',
    async (_field, entry, says) => {
      onDownloads(downloadsAnswer(entry));
      expect(await fails('plan', targets.downloads)).toMatch(new RegExp(`^${escape(server())} ${escape(says)}: refusing to pass it on`));
    },
  );

  const BAD_ORIGINS: [string, string, RegExp][] = [
    [
      'plain http to another host',
      'http://downloads.example.com/actions-runner-linux-x64-2.329.0.tar.gz',
      /answered a download_url on downloads\.example\.com over plain http: archives are downloaded over https only/,
    ],
    [
      'https to a host nobody listed',
      'https://evil.example.com/actions-runner-linux-x64-2.329.0.tar.gz',
      /answered a download_url on evil\.example\.com, which is not the API's host nor one of GitHub's release hosts: if that host is your mirror, list it in allowedDownloadHosts/,
    ],
    ['an ftp URL', 'ftp://github.com/actions-runner-linux-x64-2.329.0.tar.gz', /answered a download_url that is not an https URL/],
    [
      'https with credentials',
      'https://u:p@github.com/actions-runner-linux-x64-2.329.0.tar.gz',
      /answered a download_url that is not an https URL without credentials/,
    ],
  ];
  test.each(BAD_ORIGINS)('X4: a download_url on %s fails the plan with one line', async (_what, url, says) => {
    onDownloads(downloadsAnswer({ download_url: url }));
    expect(await fails('plan', targets.downloads)).toMatch(says);
  });

  test("X4: GitHub's release hosts and a host listed in allowedDownloadHosts are accepted", async () => {
    for (const url of [
      'https://github.com/actions/runner/releases/download/v2.329.0/actions-runner-linux-x64-2.329.0.tar.gz',
      'https://mirror.example.com/r/actions-runner-linux-x64-2.329.0.tar.gz',
    ]) {
      onDownloads(downloadsAnswer({ download_url: url }));
      const target = url.includes('mirror') ? targets.mirror : targets.downloads;
      const r = await ws.run(['plan', '-input=false', '-no-color', '-lock=false', `-target=${target}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      emulator.clearFaults();
    }
    onDownloads(downloadsAnswer({ download_url: 'https://mirror.example.com/r/actions-runner-linux-x64-2.329.0.tar.gz' }));
    expect(await fails('plan', targets.downloads)).toMatch(/download_url on mirror\.example\.com, which is not the API's host/);
  });

  const WRONG_SHAPES: [string, () => void, string, RegExp][] = [
    [
      'download_url: 12345',
      () => onDownloads(downloadsAnswer({ download_url: 12345 })),
      'downloads',
      /answered a download_url that is not an https URL/,
    ],
    ['a downloads list holding null', () => onDownloads('[null]'), 'downloads', /answered a downloads entry that is not an object/],
    [
      'runners: [null]',
      () =>
        emulator.addFault({
          method: 'GET',
          path: '/orgs/octo-org/actions/runners$',
          status: 200,
          body: '{"total_count":1,"runners":[null]}',
          times: 0,
        }),
      'runners',
      /answered a runner list entry that is not a runner object/,
    ],
    [
      'a runner id that is a string',
      () =>
        emulator.addFault({
          method: 'GET',
          path: '/orgs/octo-org/actions/runners$',
          status: 200,
          body: '{"total_count":1,"runners":[{"id":"7","name":"r","os":"linux","status":"online","busy":false,"labels":[]}]}',
          times: 0,
        }),
      'runners',
      /answered a runner id that is not a positive whole number/,
    ],
    [
      'a token that is a number',
      () => emulator.addFault({ method: 'POST', path: '/registration-token$', status: 201, body: '{"token":12345}', times: 0 }),
      'token',
      /answered a registration token that is not a token \(letters, digits, \. _ -\)/,
    ],
  ];
  test.each(WRONG_SHAPES)(
    'X5: a wrong JSON shape (%s) is one line, never a TypeError or a Terraform unmarshal error',
    async (_what, inject, target, says) => {
      inject();
      expect(await fails('plan', targets[target])).toMatch(says);
    },
  );

  test('X6: an answer over 64 MiB fails at once with one line saying so, never "not JSON", never retried', async () => {
    onDownloads(`[${' '.repeat(65 * 1024 * 1024)}]`);
    emulator.clearRequests();
    const message = await fails('plan', targets.downloads);
    expect(message).toBe(
      `the server at ${emulator.url}/orgs/octo-org/actions/runners/downloads answered more than 64 MiB, far more than any runner API answer: refusing to read it; check that api_url is GitHub's REST API base URL`,
    );
    expect(emulator.requests.filter((r) => r.path.endsWith('/downloads'))).toHaveLength(1);
  });

  test('X7: the retry budget bounds a slow listing that keeps succeeding', async () => {
    for (let i = 0; i < 250; i++) emulator.createRunner('org:octo-org', { name: `slow-${i}` });
    emulator.setLatency(1200);
    try {
      const message = await fails('plan', targets.runners, [], { CDKTF_GITHUB_RUNNERS_RETRY_BUDGET: '1.5' });
      // Three pages of 1.2 s each cannot fit in 1.5 s: the run stops after the first or second page.
      expect(message).toMatch(
        new RegExp(
          `^this run used up its time budget \\(CDKTF_GITHUB_RUNNERS_RETRY_BUDGET=1\\.5 s\\) after [12] requests? to ${escape(emulator.url)}: GitHub is answering slowly; retry later or raise CDKTF_GITHUB_RUNNERS_RETRY_BUDGET$`,
        ),
      );
    } finally {
      emulator.setLatency(0);
    }
  });

  const BAD_VARIABLE_NAMES: [string, string, RegExp][] = [
    ['a shell payload', hostile, /^invalid runner name ".*": use 1 to 64 letters, digits, '\.', '-' or '_'$/],
    ['a space', 'build runner', /^invalid runner name "build runner": use 1 to 64 letters/],
  ];
  test.each(BAD_VARIABLE_NAMES)(
    'X2: a runner name from a Terraform variable holding %s is refused by the runtime, before any token is minted',
    async (_what, value, says) => {
      const before = emulator.tokensIssued.length;
      const varFile = path.join(tempDir('sec-vars-'), 'name.tfvars.json');
      fs.writeFileSync(varFile, JSON.stringify({ runner_name: value }));
      expect(await fails('apply', targets.named, [`-var-file=${varFile}`])).toMatch(says);
      expect(emulator.tokensIssued.length).toBe(before);
    },
  );
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test("X3: every payload is refused by the runtime's check of each API field (the same checks, without Terraform)", () => {
  const server = { apiUrl: 'https://api.github.com', webUrl: 'https://github.com' };
  const checks: [string, (v: string) => unknown][] = [
    ['registration token', (v) => checkRunnerToken(server, 'registration token', v)],
    ['encoded_jit_config', (v) => checkJitConfig(server, v)],
    ['download_url', (v) => checkDownloadUrl(server, v, [])],
    ['download_url', (v) => checkDownloadUrl(server, `https://github.com/${v}`, [])],
    ['sha256_checksum', (v) => checkChecksum(server, v)],
    ['temp_download_token', (v) => checkDownloadToken(server, v)],
    ['download filename', (v) => checkFilename(server, v)],
  ];
  for (const [, payload] of payloads('/tmp/never')) {
    for (const [field, check] of checks) {
      expect(() => check(payload)).toThrow(new RegExp(`^GitHub at https://api\\.github\\.com answered a ${field} that is not `));
    }
  }
  // What GitHub really answers passes.
  expect(
    checkDownloadUrl(server, 'https://github.com/actions/runner/releases/download/v2.329.0/actions-runner-linux-x64-2.329.0.tar.gz', []),
  ).toMatch(/^https:/);
  expect(checkChecksum(server, 'A'.repeat(64))).toBe('a'.repeat(64));
  expect(checkRunnerToken(server, 'registration token', 'AABF3JGZDX3P5PMEXLND6TS6FCWO6')).toBe('AABF3JGZDX3P5PMEXLND6TS6FCWO6');
});

// ------------------------------------------------------------------- emulator controls

describe("the emulator's /_emulator controls", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator?.close());

  test("X8: the emulator's controls refuse a local caller without the admin token", async () => {
    const add = (headers: Record<string, string>) =>
      fetch(`${emulator.url}/_emulator/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ token: canaryCredential(), kind: 'classic', scopes: ['admin:org'] }),
      });
    const none = await add({});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toMatch(/need the emulator admin token/);
    expect((await add({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${emulator.url}/_emulator/requests`)).status).toBe(401);
    expect((await add({ authorization: `Bearer ${emulator.adminToken}` })).status).toBe(204);
    expect(emulator.adminToken).toMatch(/^[0-9a-f]{48}$/);
  });
});

// ------------------------------------------------------------------------- the response cap

test('X6: a streamed (chunked) answer over 64 MiB is cut off while it is read', async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 80 && res.write(chunk)) sent++;
      if (sent < 80) res.once('drain', pump);
      else res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    await expect(nodeFetch(`http://127.0.0.1:${port}/big`)).rejects.toThrow(
      `the server at http://127.0.0.1:${port}/big answered more than 64 MiB`,
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

// ----------------------------------------------------------- the install script, executed

describe.each(engines().map((e) => [e.id, e] as const))(
  'the bash install script, executed in a sandbox against the emulator (%s)',
  (_id, engine) => {
    const credential = canaryCredential();
    const canaryDir = tempDir('sec-canary-');
    const canary = path.join(canaryDir, 'PWNED');
    const cases = payloads(canary);
    let emulator: Emulator;

    beforeAll(async () => {
      emulator = await startEmulator({
        seed: { tempDownloadTokens: true, runnerGroups: cases.map((_case, i) => ({ scope: 'org:octo-org', name: `group-${i}` })) },
      });
      emulator.addToken({ token: credential, kind: 'classic', scopes: ['repo', 'admin:org', 'manage_runners:enterprise'] });
    });
    afterAll(() => emulator?.close());
    afterEach(() => expect(fs.existsSync(canary)).toBe(false));

    /** No argv of any recorded call (curl, config.sh, run.sh) holds one of the secrets. */
    function noSecretInArgv(vm: VmRun, secrets: string[]): void {
      expect(vm.calls.length).toBeGreaterThan(0);
      for (const call of vm.calls) for (const arg of call.args) for (const s of secrets) if (s !== '') expect(arg).not.toContain(s);
    }

    test("X9: hostile Terraform variables as runnerGroup, labels and workFolder: applied by Terraform, nothing runs, each arrives byte-exact in the runner's environment, no token in any argv", async () => {
      const installDirs = cases.map(() => path.join(tempDir('sec-vm-dir-'), 'actions-runner'));
      const dir = synthStack((s) => {
        const download = new RunnerDownload(s, 'Linux', { org: ORG, apiUrl: emulator.url, os: 'linux', architecture: 'x64' });
        cases.forEach((_c, i) => {
          const v = (n: string) => new TerraformVariable(s, `${n}_${i}`, { type: 'string' }).stringValue;
          const runner = new OrgRunner(s, `Vm${i}`, {
            org: ORG,
            apiUrl: emulator.url,
            name: `x9-${i}`,
            runnerGroup: v('group'),
            labels: [v('label')],
            workFolder: v('work'),
          });
          new TerraformOutput(s, `script_${i}`, { value: runner.installScript(download, { installDir: installDirs[i] }), sensitive: true });
          new TerraformOutput(s, `args_${i}`, { value: runner.configArgs });
        });
      });
      const vars: Record<string, string> = {};
      cases.forEach(([, p], i) => Object.assign(vars, { [`group_${i}`]: p, [`label_${i}`]: p, [`work_${i}`]: p }));
      const varFile = path.join(tempDir('sec-vars-'), 'hostile.tfvars.json');
      fs.writeFileSync(varFile, JSON.stringify(vars));
      const ws = await Workspace.init(engine, dir, credential);
      await ws.apply([`-var-file=${varFile}`]);
      expect(fs.existsSync(canary)).toBe(false);
      const out = await ws.outputs();
      for (const [i, [what, payload]] of cases.entries()) {
        const script: string = out[`script_${i}`];
        const token = scriptValue(script, 'RUNNER_TOKEN')!;
        const downloadToken = scriptValue(script, 'DOWNLOAD_TOKEN')!;
        expect(token).toMatch(/^[A-Z2-7]{29}$/);
        expect(downloadToken.length).toBeGreaterThan(20);
        const vm = await runVm(script);
        expect(fs.existsSync(canary)).toBe(false);
        const config = vm.calls.find((c) => c.program === 'config.sh');
        if (!config) throw new Error(`${what}: config.sh never ran:\n${vm.stderr}`);
        expect(config.args).toEqual(['--unattended', '--replace']);
        expect(config.env).toEqual({
          ACTIONS_RUNNER_INPUT_URL: `${emulator.url}/octo-org`,
          ACTIONS_RUNNER_INPUT_TOKEN: token,
          ACTIONS_RUNNER_INPUT_NAME: `x9-${i}`,
          // The payload label byte for byte, then the runner's ownership marker.
          ACTIONS_RUNNER_INPUT_LABELS: expect.stringMatching(/,cgr-[0-9a-f]{12}$/),
          ACTIONS_RUNNER_INPUT_RUNNERGROUP: payload,
          ACTIONS_RUNNER_INPUT_WORK: payload,
        });
        expect(config.env.ACTIONS_RUNNER_INPUT_LABELS.slice(0, -',cgr-000000000000'.length)).toBe(payload);
        // The download token went to curl through a header file: not in its argv, yet accepted.
        const curl = vm.calls.find((c) => c.program === 'curl')!;
        expect(curl.args).toContain(`${emulator.url}/_emulator/downloads/v2.329.0/actions-runner-linux-x64-2.329.0.tar.gz`);
        expect(fs.existsSync(path.join(installDirs[i], 'config.sh'))).toBe(true);
        noSecretInArgv(vm, [token, downloadToken, credential]);
        // configArgs spliced into a POSIX shell command: each value is one word, byte for byte.
        const words = execFileSync('bash', ['-c', `set -- ${out[`args_${i}`]}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
          .split('\0')
          .slice(0, -1);
        expect(words).toEqual([
          '--url',
          `${emulator.url}/octo-org`,
          '--name',
          `x9-${i}`,
          '--labels',
          config.env.ACTIONS_RUNNER_INPUT_LABELS,
          '--runnergroup',
          payload,
          '--work',
          payload,
          '--unattended',
          '--replace',
        ]);
        expect(fs.existsSync(canary)).toBe(false);
      }
    });

    /** The emulator's genuine values for a script, so that one field at a time can be made hostile. */
    async function genuine(): Promise<Record<string, string>> {
      const api = async (method: string, route: string) =>
        (await fetch(`${emulator.url}${route}`, { method, headers: { authorization: `Bearer ${credential}` } })).json() as Promise<any>;
      const linux = (await api('GET', '/orgs/octo-org/actions/runners/downloads')).find(
        (d: any) => d.os === 'linux' && d.architecture === 'x64',
      );
      const { token } = await api('POST', '/orgs/octo-org/actions/runners/registration-token');
      return {
        downloadUrl: linux.download_url,
        sha256Checksum: linux.sha256_checksum,
        tempDownloadToken: linux.temp_download_token,
        runnerUrl: `${emulator.url}/octo-org`,
        token,
        jitConfig: '',
      };
    }

    const API_FIELDS: [string, boolean][] = [
      ['token', false],
      ['runnerUrl', false],
      ['downloadUrl', false],
      ['sha256Checksum', false],
      ['tempDownloadToken', false],
      ['jitConfig', true],
    ];

    test.each(API_FIELDS)(
      'X10: every payload in the API field %s, rendered as if the runtime had let it through, never runs; no token in any argv',
      async (field, jit) => {
        for (const [what, payload] of cases) {
          const values = { ...(await genuine()), [field]: payload };
          const installDir = path.join(tempDir('sec-vm-dir-'), 'actions-runner');
          const script = renderInstallScript(
            {
              os: 'linux',
              pinned: false,
              jit,
              name: 'x10',
              labels: ['a'],
              ephemeral: false,
              noDefaultLabels: false,
              downloadUrl: values.downloadUrl,
              sha256Checksum: values.sha256Checksum,
              tempDownloadToken: values.tempDownloadToken,
              runnerUrl: values.runnerUrl,
              token: values.token,
              jitConfig: values.jitConfig,
            },
            { installDir },
          );
          const vm = await runVm(script, field === 'token' || field === 'runnerUrl' ? undefined : jit ? 'run.sh' : undefined);
          expect(fs.existsSync(canary)).toBe(false);
          noSecretInArgv(vm, [
            values.token,
            values.tempDownloadToken,
            credential,
            ...(field === 'jitConfig' || field === 'token' ? [payload] : []),
          ]);
          const runner = vm.calls.find((c) => c.program === (jit ? 'run.sh' : 'config.sh'));
          if (field === 'token' || field === 'runnerUrl' || field === 'jitConfig') {
            // The download succeeded, so the runner got the hostile value: in its environment, as it was.
            if (!runner) throw new Error(`${what}: the runner never ran:\n${vm.stderr}`);
            expect(runner.args).toEqual(jit ? [] : ['--unattended', '--replace']);
            const input = {
              token: 'ACTIONS_RUNNER_INPUT_TOKEN',
              runnerUrl: 'ACTIONS_RUNNER_INPUT_URL',
              jitConfig: 'ACTIONS_RUNNER_INPUT_JITCONFIG',
            }[field];
            expect(runner.env[input]).toBe(payload);
          } else {
            // A hostile URL, checksum or download token stops the script before anything is extracted.
            expect(vm.code).not.toBe(0);
            expect(runner).toBeUndefined();
            expect(fs.existsSync(installDir)).toBe(false);
          }
        }
      },
    );
  },
);
