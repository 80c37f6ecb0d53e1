import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: obsAliases },
  // Real-socket tests send thousands of requests; on a loaded 2-core machine that can take seconds.
  test: { name: 'fastify', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
