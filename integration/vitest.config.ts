import { defineProject } from 'vitest/config';

// README sections and links, the release flow in a throwaway copy, the package linter on fixtures,
// and the README code blocks run against the packed tarballs in a fresh project
// (test/readme-snippets.test.ts: one pack + install, about 2 minutes). The smoke across Node
// versions is `npm run test:smoke` (integration/smoke.mjs).
export default defineProject({
  test: {
    name: 'integration',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
