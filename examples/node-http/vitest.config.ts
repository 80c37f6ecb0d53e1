import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

// The test reads metric definitions from the core's source; the example runs as a child process
// on the built package (the test builds it first), as users run it.
export default defineProject({
  resolve: { alias: obsAliases },
  test: { name: 'example-node-http', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
