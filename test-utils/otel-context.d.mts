import type { EventEmitter } from 'node:events';
import type { SpanContext } from '@opentelemetry/api';

/** A sampled span context (the W3C traceparent example's ids). */
export const SAMPLED: SpanContext;
/** An unsampled span context (flags 00). */
export const UNSAMPLED: SpanContext;
/** Enable an AsyncHooksContextManager as the global context manager for this test file. */
export function useContextManager(): void;
/** Run `fn` with a span of this context active (as an instrumentation makes the request's span). */
export function within<T>(spanContext: SpanContext, fn: () => T): T;
/** Make `spanContext` active around the server's 'request' event for URLs starting with `prefix`. */
export function activateOnRequest(server: EventEmitter, prefix: string, spanContext: SpanContext): void;
/** One line given to the captured logger. */
export interface LoggedLine {
  level: 'info' | 'debug';
  obj: Record<string, unknown>;
  msg: string;
}
/** A `{ info, debug }` logger that keeps what it is given, in `lines`. */
export function captureLogger(): { lines: LoggedLine[]; logger: { info(obj: object, msg: string): void; debug(obj: object, msg: string): void } };
