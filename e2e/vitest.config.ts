import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { obsAliases } from '../vitest.shared.js';

// The end-to-end suite (`npm run test:e2e`): real Prometheus, Alertmanager, node_exporter,
// redis-server and the three examples on the built packages. Not part of `npm test`: it needs more
// servers (through scripts/lib/tools.mjs) and takes about a minute. The generator runs in-process from source (obsAliases).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { alias: obsAliases },
  test: {
    name: 'e2e',
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
