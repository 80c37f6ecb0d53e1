import { defineProject } from 'vitest/config';
import { obsAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: obsAliases },
  test: { name: 'metrics-standard', include: ['test/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] },
});
