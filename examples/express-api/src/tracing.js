// Imported first by server.js: starts OpenTelemetry tracing before node:http and express load,
// only when OTEL_TRACES_EXPORTER is set (e.g. `otlp`, with OTEL_EXPORTER_OTLP_ENDPOINT and
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json). Without it, nothing of the OpenTelemetry SDK is loaded.
// A synchronous require (not `await import`): a module with top-level await would let the
// modules imported after it (fastify, node:http) load before the instrumentation is in place.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const enabled = (process.env.OTEL_TRACES_EXPORTER ?? 'none') !== 'none';

/** `{ sdk, shutdown() }` when tracing is on, else undefined. */
export const tracing = enabled
  ? require('@obs/metrics-standard/tracing').startTracing(
      { service: process.env.SERVICE_NAME || 'express-api', version: '1.0.0', env: process.env.NODE_ENV || 'unknown' },
      // node:http server spans. @opentelemetry/instrumentation-express would add one span per
      // middleware, but in an ES module app it needs the import-in-the-middle loader hook
      // (docs/tracing.md); the HTTP span is the request's span either way.
      { instrumentations: [new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)()] },
    )
  : undefined;
