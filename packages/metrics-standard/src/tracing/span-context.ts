import type { SpanContext } from '@opentelemetry/api';
import { loadOtelApi } from '../lazy.js';

const OTEL_API = Symbol.for('opentelemetry.js.api.1');

/**
 * The span context of the active OpenTelemetry span when it is valid and sampled, else
 * `undefined`. Without an OpenTelemetry SDK registered this is the API's no-op lookup: no
 * allocation. Integrations call it where the request's span is active (a hook or middleware that
 * runs inside the request) and pass the result on to the code that records later.
 *
 * @example
 * const sc = sampledSpanContext(); // in onRequest
 * // … at the response's close:
 * obs.http.finish(method, path, status, seconds, sc ?? null);
 */
export function sampledSpanContext(): SpanContext | undefined {
  // No context manager registered (no tracing SDK started): no span can be active, so the API's
  // lookup (context manager, semver check, context map) is skipped on every request. The API keeps
  // its registrations on this global, one per major version.
  if ((globalThis as { [OTEL_API]?: { context?: unknown } })[OTEL_API]?.context === undefined) return undefined;
  // The API is loaded here, once a tracing SDK has registered, not at import (src/lazy.ts).
  const { isSpanContextValid, TraceFlags, trace } = loadOtelApi();
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const sc = span.spanContext();
  // A non-recording or unsampled span (sampler said no) has no trace a user could open.
  if ((sc.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return isSpanContextValid(sc) ? sc : undefined;
}
