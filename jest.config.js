/** Tests run TypeScript directly; the runtime is exercised as the bundled subprocess Terraform runs. */
const fs = require('fs');
const path = require('path');

// examples/emulator-test is a user's own test: it runs `$TERRAFORM` with the CLI configuration in
// the environment, as a user's CI would. Here those are the harness's engine and offline providers.
const manifestFile = path.join(__dirname, '.e2e-cache', 'engines.json');
if (fs.existsSync(manifestFile) && process.env.E2E_PROVIDERS !== 'registry') {
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  process.env.TERRAFORM ??= manifest.engines.find((e) => e.id === 'terraform').binary;
  process.env.TF_CLI_CONFIG_FILE = manifest.cliConfigFile;
  process.env.TF_PLUGIN_CACHE_DIR = manifest.pluginCacheDir;
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
  // Examples import the package by its name, as users do; in the repository that is lib/.
  moduleNameMapper: {
    '^cdktf-github-runners$': '<rootDir>/lib/index.ts',
    '^cdktf-github-runners/emulator$': '<rootDir>/lib/emulator/index.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup-jest.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
