import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-fastify-api', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
