// Lets `node -r ./scripts/ts-register.js app.ts` run the TypeScript examples without a build
// step: esbuild strips the types when a .ts file is required.
const fs = require('fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcefile: filename,
    sourcemap: 'inline',
  });
  module._compile(code, filename);
};
