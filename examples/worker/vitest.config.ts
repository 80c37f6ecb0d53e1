import { defineProject } from 'vitest/config';

// Runs the example as users do: child processes on the built packages (dist/) and a real redis-server.
export default defineProject({
  test: { name: 'example-worker', include: ['test/**/*.test.js'], testTimeout: 30_000, hookTimeout: 30_000 },
});
