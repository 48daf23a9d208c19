/** Tests run TypeScript directly; the runtime is exercised as the bundled subprocess Terraform runs. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup-jest.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
