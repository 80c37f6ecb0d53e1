// Imported FIRST by the *-obs-tracing variants (before fastify/express load node:http), as
// docs/tracing.md shows: OpenTelemetry's Node SDK started through @obs/metrics-standard/tracing
// with the HTTP instrumentation, under the same service name as the metrics. Exporter, endpoint,
// protocol and sampler come from the standard OTEL_* variables, which bench/run.mjs sets
// (otlp, http/json, always_on, the endpoint of its own bench/otlp-sink.mjs process).
import { createRequire } from 'node:module';
import { basename } from 'node:path';

const require = createRequire(import.meta.url);
if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_TRACES_EXPORTER !== 'otlp') {
  throw new Error('the tracing variants need OTEL_TRACES_EXPORTER=otlp and OTEL_EXPORTER_OTLP_ENDPOINT (bench/run.mjs starts bench/otlp-sink.mjs and sets them)');
}
const { startTracing } = require('@obs/metrics-standard/tracing');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

/** The metrics' service name of the variant running this process (bench-fastify, bench-express). */
export const service = `bench-${basename(process.argv[1]).split('-')[0]}`;
export const tracing = startTracing({ service }, { instrumentations: [new HttpInstrumentation()] });

// The runner stops servers with SIGTERM: flush the buffered spans first, so the sink's count is complete.
process.once('SIGTERM', () => {
  tracing.shutdown().finally(() => process.exit(0));
});
