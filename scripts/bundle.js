#!/usr/bin/env node
// Bundles lib/runtime/main.ts into the single file Terraform runs: dist/runtime/runtime.js, and the
// emulator into dist/emulator/index.js (the package's `cdktf-github-runners/emulator` export).
// Octokit is ESM-only; bundling it into one CommonJS file means the program needs nothing
// but node at run time, wherever cdktf.out is applied.
'use strict';
const { build } = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'dist', 'runtime', 'runtime.js');
const { version } = require(path.join(root, 'package.json'));

// @octokit/plugin-retry and @octokit/plugin-throttling schedule every request through
// Bottleneck, whose setTimeout(0) yields cost most of a data-source call's time: the bundle gets
// lib/runtime/limiter.ts instead, the part of Bottleneck's API the plugins use (see that file).
const limiterInPlaceOfBottleneck = {
  name: 'limiter-in-place-of-bottleneck',
  setup(b) {
    b.onResolve({ filter: /^bottleneck(\/light(\.js)?)?$/ }, () => ({ path: path.join(root, 'lib', 'runtime', 'limiter.ts') }));
  },
};

async function main() {
  const started = Date.now();
  const result = await build({
    entryPoints: [path.join(root, 'lib', 'runtime', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Less to parse at every data-source call; names stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    banner: { js: '#!/usr/bin/env node' },
    define: { __RUNTIME_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
    metafile: true,
    plugins: [limiterInPlaceOfBottleneck],
  });
  fs.chmodSync(outfile, 0o755);
  const bytes = fs.statSync(outfile).size;
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((i) => i.includes('node_modules/bottleneck/')))
    throw new Error('bottleneck is in the bundle: the limiter plugin no longer matches how the octokit plugins import it');
  // Only node's own modules may stay outside the bundle.
  const builtins = new Set(require('module').builtinModules);
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      const name = imp.path.replace(/^node:/, '');
      if (imp.external && !builtins.has(name) && !builtins.has(name.split('/')[0])) {
        throw new Error(`${imp.path} is left outside the bundle; runtime.js must need nothing but node`);
      }
    }
  }
  process.stdout.write(`bundled ${path.relative(root, outfile)}: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - started} ms\n`);
  await bundleEmulator();
}

// `cdktf-github-runners/emulator` (package.json exports): one self-contained file in place of
// tsc's dist/emulator/index.js, so the package ships that file, the declarations its types need
// and the README, not the emulator's 30 compiled modules (the runtime bundle has its own copy).
async function bundleEmulator() {
  const emulatorDir = path.join(root, 'dist', 'emulator');
  const entry = path.join(emulatorDir, 'index.js');
  const result = await build({
    entryPoints: [path.join(root, 'lib', 'emulator', 'index.ts')],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    metafile: true,
  });
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && !require('module').builtinModules.includes(imp.path.replace(/^node:/, ''))) {
        throw new Error(`${imp.path} is left outside dist/emulator/index.js; the emulator must need nothing but node`);
      }
    }
  }
  fs.copyFileSync(path.join(root, 'lib', 'emulator', 'README.md'), path.join(emulatorDir, 'README.md'));
  process.stdout.write(`bundled ${path.relative(root, entry)}: ${(fs.statSync(entry).size / 1024).toFixed(0)} KiB\n`);
}

main().catch((e) => {
  process.stderr.write(`bundle failed: ${e.message}\n`);
  process.exit(1);
});
