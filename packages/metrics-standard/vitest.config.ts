import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: obsAliases },
  test: { name: 'metrics-standard', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000, globalSetup: ['test/global-setup.ts'] },
});
