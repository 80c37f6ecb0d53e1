// OpenTelemetry context in in-process tests: a real async-hooks context manager for the test file,
// fixed span contexts, and the two ways a span becomes active (a call inside it, or a server's
// 'request' event wrapped as @opentelemetry/instrumentation-http does).
import { context, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll } from 'vitest';

/** A sampled span context (the W3C traceparent example's ids). */
export const SAMPLED = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
/** An unsampled span context (flags 00). */
export const UNSAMPLED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE };

/** Enable an AsyncHooksContextManager as the global context manager for this test file. */
export function useContextManager() {
  const manager = new AsyncHooksContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    context.disable();
  });
}

/** Run `fn` with a span of this context active (as an instrumentation makes the request's span). */
export function within(spanContext, fn) {
  return context.with(trace.setSpan(context.active(), trace.wrapSpanContext(spanContext)), fn);
}

/**
 * What @opentelemetry/instrumentation-http does: the request's span is active around the server's
 * 'request' event (so in the framework's hooks and handlers), here for URLs starting with `prefix`.
 */
export function activateOnRequest(server, prefix, spanContext) {
  const emit = server.emit;
  server.emit = function (event, ...args) {
    if (event !== 'request' || !args[0]?.url?.startsWith(prefix)) return Reflect.apply(emit, this, [event, ...args]);
    return within(spanContext, () => Reflect.apply(emit, this, [event, ...args]));
  };
}

/** A `{ info, debug }` logger that keeps what it is given, in `lines`. */
export function captureLogger() {
  const lines = [];
  return {
    lines,
    logger: {
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    },
  };
}
