// Imported first by worker.js: starts OpenTelemetry tracing only when OTEL_TRACES_EXPORTER is set
// (e.g. `otlp`, with OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL=http/json).
// BullMQ traces itself through its `telemetry` option (bullmq-otel): a `process <queue>` span
// around each job, active while the processor runs and when the `completed`/`failed` events fire,
// so the job's log lines and its worker_task_duration_seconds exemplar carry that span's ids.
// Without OTEL_TRACES_EXPORTER, nothing of the OpenTelemetry SDK is loaded.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const enabled = (process.env.OTEL_TRACES_EXPORTER ?? 'none') !== 'none';

/** `{ sdk, shutdown() }` when tracing is on, else undefined. */
export const tracing = enabled
  ? require('@obs/metrics-standard/tracing').startTracing({ service: process.env.SERVICE_NAME ?? 'worker', version: '1.0.0', env: process.env.NODE_ENV || 'unknown' })
  : undefined;

/** The BullMQ `telemetry` option: spans through the SDK started above, or undefined without tracing. */
export const telemetry = enabled ? new (require('bullmq-otel').BullMQOtel)('worker') : undefined;
