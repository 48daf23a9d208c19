#!/usr/bin/env node
// The CDK Terrain flavor: lib/ compiled against cdktn with flavors/cdktn/cdktf.ts in place of
// lib/cdktf.ts (the one module that imports cdktf and the provider packages), packed as
// cdktn-github-runners-<version>.tgz into the directory given as the first argument.
// cdktn itself is installed once into .e2e-cache/packaging/cdktn-build-<versions> to compile against.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'dist', 'packages'));
const pkg = require(path.join(root, 'package.json'));
const CDKTN = '0.24.0';
const CONSTRUCTS = '10.7.2';
const PEERS = { cdktn: `^${CDKTN}`, constructs: '>=10.6.0 <10.8.0' };

const cache = path.join(root, '.e2e-cache', 'packaging', `cdktn-build-${CDKTN}-${CONSTRUCTS}`);
if (!fs.existsSync(path.join(cache, 'node_modules', 'cdktn', 'package.json'))) {
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(path.join(cache, 'package.json'), JSON.stringify({ name: 'cdktn-build', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `cdktn@${CDKTN}`, `constructs@${CONSTRUCTS}`], {
    cwd: cache,
    stdio: 'pipe',
  });
}

// Sources sit inside the cache directory so that TypeScript finds cdktn in its node_modules.
const work = path.join(cache, 'work');
fs.rmSync(work, { recursive: true, force: true });
const src = path.join(work, 'lib');
fs.mkdirSync(src, { recursive: true });
for (const f of fs.readdirSync(path.join(root, 'lib'))) {
  if (f.endsWith('.ts')) fs.copyFileSync(path.join(root, 'lib', f), path.join(src, f));
}
for (const f of fs.readdirSync(path.join(root, 'flavors', 'cdktn'))) {
  fs.copyFileSync(path.join(root, 'flavors', 'cdktn', f), path.join(src, f));
}
const stage = path.join(work, 'package');
fs.writeFileSync(
  path.join(work, 'tsconfig.json'),
  JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { rootDir: 'lib', outDir: 'package/dist', typeRoots: [path.join(root, 'node_modules', '@types')] },
    include: ['lib/*.ts'],
    exclude: [],
  }),
);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work], { stdio: 'inherit' });

// What the constructs reach must not name cdktf or a @cdktf package.
for (const f of fs.readdirSync(path.join(stage, 'dist'))) {
  const text = fs.readFileSync(path.join(stage, 'dist', f), 'utf8');
  if (/require\("(cdktf|@cdktf\/[^"]+)"\)|from ['"](cdktf|@cdktf\/)/.test(text))
    throw new Error(`cdktn flavor: dist/${f} still imports cdktf`);
}
fs.mkdirSync(path.join(stage, 'dist', 'runtime'), { recursive: true });
fs.copyFileSync(path.join(root, 'dist', 'runtime', 'runtime.js'), path.join(stage, 'dist', 'runtime', 'runtime.js'));
fs.chmodSync(path.join(stage, 'dist', 'runtime', 'runtime.js'), 0o755);
for (const f of ['README.md', 'SECURITY.md']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
fs.writeFileSync(
  path.join(stage, 'package.json'),
  JSON.stringify(
    {
      name: 'cdktn-github-runners',
      version: pkg.version,
      description: pkg.description.replace('CDK for Terraform', 'CDK Terrain (cdktn)'),
      license: pkg.license,
      repository: pkg.repository,
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      bin: { 'cdktn-github-runners': 'dist/runtime/runtime.js' },
      engines: pkg.engines,
      keywords: ['cdktn', 'cdk-terrain', 'terraform', 'opentofu', 'github-actions', 'self-hosted-runner'],
      peerDependencies: PEERS,
    },
    null,
    2,
  ) + '\n',
);
fs.mkdirSync(outDir, { recursive: true });
execFileSync('npm', ['pack', '--pack-destination', outDir], { cwd: stage, stdio: 'pipe' });
process.stdout.write(`cdktn-github-runners-${pkg.version}.tgz\n`);
