#!/usr/bin/env node
// `npm run package`: the distributable packages, in dist/packages/:
//   js/        the npm tarball with .jsii (jsii-pacmak), the cdktf flavor
//   python/    the wheel and sdist (module cdktf_github_runners)
//   go/        the Go module source (--code-only: the Go proxy refuses github.com/cdktf/cdktf-provider-external-go/external/v11 v11.0.1)
//   java/      the Maven project source (--code-only: Maven Central has no com.hashicorp:cdktf 0.21.0 to build it against)
//   cdktn-github-runners-<version>.tgz   the CDK Terrain flavor (scripts/package-cdktn.js)
// Skips all of it when dist/packages/stamp.json matches the inputs' hash (a second `npm test` is fast).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'packages');
const stampFile = path.join(out, 'stamp.json');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** Hash of every input that shapes a package. */
function inputsHash() {
  const h = crypto.createHash('sha256');
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  for (const d of ['lib', 'flavors']) walk(path.join(root, d));
  for (const f of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.jsii.json',
    'README.md',
    'SECURITY.md',
    'scripts/package.js',
    'scripts/package-cdktn.js',
    'scripts/bundle.js',
  ])
    files.push(path.join(root, f));
  for (const f of files) h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  h.update(process.version);
  return h.digest('hex').slice(0, 16);
}

function step(label, cmd, args, opts = {}) {
  const started = Date.now();
  process.stdout.write(`package: ${label}... `);
  try {
    execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts });
  } catch (e) {
    process.stdout.write('failed\n');
    process.stderr.write(`${e.stdout || ''}${e.stderr || ''}`);
    throw new Error(`package: ${label} failed: see the output above`);
  }
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function main() {
  const key = inputsHash();
  if (process.argv.includes('--if-changed') && fs.existsSync(stampFile)) {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (stamp.key === key) {
      process.stdout.write(`package: dist/packages is up to date (${key})\n`);
      return;
    }
  }
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  if (!fs.existsSync(path.join(root, 'dist', 'runtime', 'runtime.js'))) step('build', 'npm', ['run', 'build']);
  // jsii compiles lib/ (the same JavaScript as tsc) and writes .jsii; a warning fails the step.
  step('jsii', bin('jsii'), ['--fail-on-warnings']);
  // jsii writes tsc's dist/emulator/index.js over the bundled one the package exports: bundle again.
  step('bundle', process.execPath, [path.join(root, 'scripts', 'bundle.js')]);
  step('jsii-pacmak js python', bin('jsii-pacmak'), ['--targets', 'js', 'python', '--outdir', out]);
  step('jsii-pacmak go java (source)', bin('jsii-pacmak'), ['--targets', 'go', 'java', '--code-only', '--outdir', out]);
  step('cdktn flavor', process.execPath, [path.join(__dirname, 'package-cdktn.js'), out]);
  fs.writeFileSync(stampFile, JSON.stringify({ key, seconds: Math.round((Date.now() - started) / 1000) }) + '\n');
  process.stdout.write(`package: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${fs.readdirSync(out).join(', ')}\n`);
}

main();
