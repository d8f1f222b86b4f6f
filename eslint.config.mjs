// Lint: typescript-eslint's recommended type-aware rules plus the README's import table
// (scripts/lint/layers.mjs). `npm run lint` runs this and `prettier --check`; `npm test` runs lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/lint/layers.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.tools/**',
      'node_modules/**',
      // Fixtures, corpora and sample workspaces are inputs to tests (their exact lines matter), not our code.
      'test/fixtures/**',
      'test/e2e/workspace/**',
      'examples/**',
      'bench/lsp/corpus/**',
      'bench/results/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { openrtc: layersPlugin },
    rules: {
      'openrtc/imports': 'error',
      // `_`-prefixed names mark deliberately unused parameters (interface conformance); tsc's
      // noUnusedLocals/Parameters already enforces the rest.
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // `import ts = require('typescript')` loads the compiler as CommonJS on purpose (one shared
      // instance, no esModuleInterop wrapper around its namespace); plain require() stays forbidden.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // Async methods without await implement Promise-returning interfaces (RuntimeApi, the agent
      // API); making them sync-returning-Promise would only trade one form for another.
      '@typescript-eslint/require-await': 'off',
      // A `let` assigned after a closure that reads it (the runtime handle a callback needs) is the
      // point of the `let`; only flag the ones nothing reads early.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Control characters in regexes are deliberate here: ANSI escapes in terminal output and
      // C0 characters refused in tenant ids and config values.
      'no-control-regex': 'off',
      // Values stringified with String() are JSON scalars narrowed from `unknown` (TypeScript calls
      // them `{}`); objects are described by explicit branches before that point.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Plain JS (build, test runner, e2e drivers, benches): no type information, same import table.
    files: ['**/*.mjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        queueMicrotask: 'readonly',
        globalThis: 'readonly',
      },
    },
    plugins: { openrtc: layersPlugin },
    rules: { 'openrtc/imports': 'error' },
  },
);
