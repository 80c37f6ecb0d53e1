import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * In-process tests import the workspace packages from source, so a test never runs against a stale
 * build. Child processes (examples, end-to-end, integration) run the built `dist/` as users do;
 * `npm test` builds first.
 */
export const obsAliases = {
  // Subpaths first: an alias key also matches as a prefix.
  '@obs/metrics-standard/tracing': fileURLToPath(new URL('./packages/metrics-standard/src/tracing/index.ts', import.meta.url)),
  '@obs/worker/bullmq': fileURLToPath(new URL('./packages/worker/src/bullmq.ts', import.meta.url)),
  '@obs/worker/amqplib': fileURLToPath(new URL('./packages/worker/src/amqplib.ts', import.meta.url)),
  '@obs/metrics-standard': src('metrics-standard'),
  '@obs/express': src('express'),
  '@obs/fastify': src('fastify'),
  '@obs/worker': src('worker'),
  '@obs/dashboards': src('dashboards'),
};
