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
    // The command's entry is CommonJS (bin/package.json), for a faster start.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
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
  // The kernel's layers (docs/ARCHITECTURE.md), from the bottom: abi/ (what
  // both sides of shared memory and of each message agree on) imports nothing;
  // runtime/ (inside the process workers) only abi/, lib/ and the pipe ring; mm/ only abi/;
  // fs/, ipc/, tty/ and proc/ never reach up into syscall/, kernel.ts, boot.ts
  // or host/; and no core code imports host/, the top floor (its contract is
  // kernel/hostapi.ts). Type-only imports count: they are what ties layers into cycles.
  {
    files: ['kernel/**/*.ts'],
    ignores: ['kernel/host/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '(^|/)host/', message: 'host/ is the top floor: the core sees the host only through kernel/hostapi.ts.' },
          { regex: '^node:', message: 'Only kernel/host/ may use Node modules.' },
        ],
      }],
    },
  },
  {
    files: ['kernel/abi/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./)', message: 'abi/ imports nothing outside abi/: both sides build on it.' }],
      }],
    },
  },
  {
    files: ['kernel/mm/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./|\\.\\./abi/)', message: 'mm/ (the memory budget) sits under fs, ipc and proc: it may import only abi/.' }],
      }],
    },
  },
  {
    files: ['kernel/runtime/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(?!\\./|\\.\\./abi/|\\.\\./lib/|\\.\\./ipc/(ring|filetable)\\.js$)',
          message: 'runtime/ runs in the process workers: it may import only abi/, lib/, ipc/ring.ts and ipc/filetable.ts.',
        }],
      }],
    },
  },
  {
    files: ['kernel/fs/**/*.ts', 'kernel/ipc/**/*.ts', 'kernel/tty/**/*.ts', 'kernel/proc/**/*.ts', 'kernel/net/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^\\.\\./syscall/', message: 'fs, ipc, tty, proc and net are below syscall/: the handlers call them, not the other way round.' },
          { regex: '^\\.\\./(kernel|boot)\\.js$', message: 'fs, ipc, tty and proc are below the kernel: take what you need as a parameter or callback.' },
          { regex: '(^|/)host/', message: 'host/ is the top floor: the core sees the host only through kernel/hostapi.ts.' },
          { regex: '^node:', message: 'Only kernel/host/ may use Node modules.' },
        ],
      }],
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
      globals: { self: 'readonly', window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', SharedArrayBuffer: 'readonly' },
    },
  },
);
