import { defineProject } from 'vitest/config';

// Fast checks only (seconds): README sections, the release flow in a throwaway copy, the package
// linter on fixtures. The pack-and-install smoke is `npm run test:smoke` (integration/smoke.mjs).
export default defineProject({
  test: {
    name: 'integration',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
