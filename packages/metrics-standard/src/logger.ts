import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { ABORTED_STATUS, LOGGED_ERROR_TYPE } from './definitions/labels.js';
import { ObsError } from './errors.js';
import { loadOtelApi, loadPino } from './lazy.js';
import type { Obs } from './obs.js';

// Built-ins through process.getBuiltinModule, not `import`: see src/lazy.ts.
const { hostname } = process.getBuiltinModule('node:os');

/** Options of {@link createLogger}: pino's own options, plus these. */
export interface ObsLoggerOptions extends LoggerOptions {
  /** Count each line at `error` or `fatal` level into `service_errors_total{type="logged_error"}`. Default: true. */
  countErrors?: boolean;
  /** Where lines go: a pino destination stream (e.g. `pino.destination(2)`) or a file path. Default: stdout. */
  destination?: DestinationStream | string;
}

// pino's numeric level of `error`; `fatal` (60) is above it.
const ERROR_LEVEL = 50;

/**
 * A pino logger whose every line carries `service`, `env` and `version`, plus `trace_id`,
 * `span_id` and `trace_flags` of the active OpenTelemetry span when there is one (so logs link
 * to traces). By default, error and fatal lines also count into `service_errors_total{type="logged_error"}`.
 *
 * @example
 * const log = createLogger(obs, { level: 'info' });
 * log.info({ orderId }, 'order placed');
 * log.error(err, 'payment failed'); // also service_errors_total{type="logged_error"} += 1
 */
export function createLogger(obs: Obs, options: ObsLoggerOptions = {}): Logger {
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  const { countErrors = true, destination, mixin: userMixin, base, ...pinoOptions } = options;
  if (typeof countErrors !== 'boolean') throw new ObsError('OBS_ERR_INVALID_OPTION', 'countErrors', countErrors, 'expected true or false');
  if (destination !== undefined && typeof destination !== 'string' && typeof (destination as DestinationStream).write !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'destination', destination, 'expected a stream with write() or a file path');
  }
  const identity = { service: obs.service, env: obs.env, version: obs.version };
  const pino = loadPino();
  const { isSpanContextValid, trace } = loadOtelApi();
  const logger = pino(
    {
      ...pinoOptions,
      base: base === null ? identity : { pid: process.pid, hostname: hostname(), ...base, ...identity },
      mixin(mergeObject, level, self) {
        const extra: Record<string, unknown> = userMixin ? { ...userMixin(mergeObject, level, self) } : {};
        if (countErrors && level >= ERROR_LEVEL) obs.errors.record(LOGGED_ERROR_TYPE);
        const span = trace.getActiveSpan();
        if (span !== undefined) {
          const sc = span.spanContext();
          if (isSpanContextValid(sc)) {
            extra.trace_id = sc.traceId;
            extra.span_id = sc.spanId;
            extra.trace_flags = `0${sc.traceFlags.toString(16)}`.slice(-2);
          }
        }
        return extra;
      },
    },
    typeof destination === 'string' ? pino.destination({ dest: destination, sync: false, mkdir: true }) : destination,
  );
  return logger;
}

/** The part of a pino logger the request log uses (a `createLogger()` instance or Fastify's `app.log` fits). */
export interface RequestLogger {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What one request log line says (the integrations' `logRequests`). */
export interface RequestLogFields {
  method: string | undefined;
  /** The raw URL as received; logged without its query string unless `keepQuery` (the metrics never keep it). */
  url: string | undefined;
  /** The route template the metrics recorded. */
  path: string;
  /** The response status; ignored (499 logged) when `aborted`. */
  status: number;
  aborted: boolean;
  seconds: number;
  /** The request's sampled span, captured at entry; `null` when none. */
  span: { traceId: string; spanId: string } | null;
}

/** A URL without its query string (`/reset?token=…` → `/reset`): query strings carry tokens and personal data. */
function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Writes the one line per request of `logRequests` — the same shape from every integration, so one
 * Loki query serves Express and Fastify services alike. The query string is dropped from `url`
 * (it often carries tokens, e-mail addresses, reset codes) unless `options.keepQuery` is true.
 *
 * @example
 * logRequest(logger, 'info', { method: 'GET', url: '/users/7', path: '/users/:id', status: 200, aborted: false, seconds: 0.004, span: null });
 */
export function logRequest(logger: RequestLogger, level: 'info' | 'debug', f: RequestLogFields, options: { keepQuery?: boolean } = {}): void {
  const line = {
    method: f.method,
    url: options.keepQuery === true || f.url === undefined ? f.url : withoutQuery(f.url),
    path: f.path,
    status: f.aborted ? Number(ABORTED_STATUS) : f.status,
    duration_ms: Math.round(f.seconds * 1e6) / 1e3,
    ...(f.span === null ? {} : { trace_id: f.span.traceId, span_id: f.span.spanId }),
  };
  logger[level](line, f.aborted ? 'request aborted' : 'request completed');
}
