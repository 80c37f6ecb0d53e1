import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: obsAliases },
  test: { name: 'dashboards', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
