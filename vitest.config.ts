import { defineConfig } from 'vitest/config';

/** One runner for every package: unit tests (x.test.ts), database/HTTP tests (x.int.test.ts) and browser tests (e2e/). */
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: [],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
