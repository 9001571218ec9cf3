// Lint for the whole tree: typescript-eslint's recommended rules, not type-aware
// (each layer is type-checked by its own tsconfig in `npm run check`).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/**',
    'dist-web/**',
    'node_modules/**',
    'test-results/**',
    'test/programs/bin/**',
    'userland/build/**',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Ambient declarations that mirror the standard library (kernel/types/platform.d.ts
    // restates lib.dom's WebAssembly types, which use `Function`).
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    rules: {
      // `_`-prefixed names mark parameters a signature requires but the body ignores.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Plain JavaScript run by Node (scripts, the CLI shim, the e2e runner).
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly',
        clearInterval: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
        fetch: 'readonly', performance: 'readonly', AbortController: 'readonly',
        WebAssembly: 'readonly', crypto: 'readonly', queueMicrotask: 'readonly',
        setImmediate: 'readonly', clearImmediate: 'readonly', structuredClone: 'readonly',
        MessageChannel: 'readonly',
      },
    },
  },
  {
    // Browser tests: the callbacks given to page.evaluate run in the page.
    files: ['test/e2e/**/*.js'],
    languageOptions: {
      globals: { self: 'readonly', window: 'readonly', document: 'readonly', location: 'readonly', SharedArrayBuffer: 'readonly' },
    },
  },
);
