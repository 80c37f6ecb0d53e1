import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

// The test file reads metric names from the core's source; the example itself runs as a child
// process on the built packages (the test builds them first), as users run it.
export default defineProject({
  resolve: { alias: obsAliases },
  test: { name: 'example-express-api', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
