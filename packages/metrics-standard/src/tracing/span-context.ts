import { isSpanContextValid, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

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
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const sc = span.spanContext();
  // A non-recording or unsampled span (sampler said no) has no trace a user could open.
  if ((sc.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return isSpanContextValid(sc) ? sc : undefined;
}
