// Unit tests sit beside their sources (`X.test.ts` next to `X.ts`); integration
// tests live in test/integration. Browser wiring is proven by test/e2e (Playwright,
// its own runner), never here. Tests spawn workers, hence forks and a long timeout.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'dist-web/**', 'test/e2e/**'],
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/diagnose.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
