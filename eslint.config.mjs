// `npm run lint`, run by `npm test`: typescript-eslint's recommended rules, no import cycles
// anywhere, and eslint-config-prettier last so that no rule argues with the formatter.
// import-x/no-cycle skips `import type`; the lint script's madge run catches type-only cycles too.
import js from '@eslint/js';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.e2e-cache/**', 'coverage/**', '**/cdktf.out/**', '**/.gen/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // Which files the cycle rule parses to follow their imports (by default .js only).
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The issue this config came with: no module may import itself back, through any path.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `_` marks a parameter a signature needs and the body does not (callbacks, interfaces).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A failure is one line saying what is wrong and what to do: where a catch rethrows, the
      // line already says what the caught error meant (or the catch is a retry, not a wrap).
      'preserve-caught-error': 'off',
    },
  },
  {
    // Tests read synthesized JSON, API answers and private shapes as they are: typing each
    // with an interface would only restate what the assertion next to it checks.
    files: ['test/**', 'examples/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The build, bench and packaging scripts are CommonJS run by node as they are.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const crypto = require('crypto')` names node's module as node's docs do, over the global.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  eslintConfigPrettier,
);
