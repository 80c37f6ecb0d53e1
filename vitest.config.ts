import { defineConfig } from 'vitest/config';

// One run over every package and example; each project has its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts', 'integration/vitest.config.*'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
