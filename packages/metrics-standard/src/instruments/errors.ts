import { OTHER_ERROR_TYPE } from '../definitions/labels.js';
import { SERVICE_METRICS } from '../definitions/service.js';
import type { Warner } from '../warnings.js';
import { type CounterChild, type InstrumentContext, ObsCounter } from './instrument.js';

/** Default cap of distinct `type` values of `service_errors_total`. */
export const DEFAULT_MAX_ERROR_TYPES = 50;

const MAX_TYPE_LENGTH = 48;
/**
 * Characters of a raw code or name looked at. The regexes below are linear, but a 40 000-character
 * code made every error cost milliseconds; camelCase splitting may add one `_` per character, so
 * twice the output length is enough to fill it.
 */
const MAX_RAW_LENGTH = MAX_TYPE_LENGTH * 2;

/**
 * snake_case from an error code or name: `ECONNRESET` → `econnreset`, `TypeError` → `type_error`,
 * `FST_ERR_VALIDATION` → `fst_err_validation`. Empty results become `other`.
 */
export function normalizeErrorType(raw: string): string {
  const snake = raw
    .slice(0, MAX_RAW_LENGTH)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_TYPE_LENGTH)
    .replace(/_+$/, '');
  return snake === '' || /^[0-9]/.test(snake) ? OTHER_ERROR_TYPE : snake;
}

/** The `type` an error is counted under: its string `code` if any, else its `name`, else `other`. */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'string') return normalizeErrorType(error);
  if (error !== null && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return normalizeErrorType(code);
    if (typeof name === 'string' && name !== '') return normalizeErrorType(name);
  }
  return OTHER_ERROR_TYPE;
}

/**
 * Records `service_errors_total{type}`. Types are bounded: past `maxErrorTypes` distinct values the
 * rest are counted as `other` (one warning).
 *
 * @example
 * obs.errors.record(err);            // type from err.code / err.name
 * obs.errors.record('payment_declined');
 */
export class ErrorRecorder {
  readonly counter: ObsCounter<typeof SERVICE_METRICS.errorsTotal>;
  /** @internal */
  private readonly types = new Map<string, CounterChild>();

  constructor(
    ctx: InstrumentContext,
    /** @internal */
    private readonly maxTypes: number,
    /** @internal */
    private readonly warner: Warner,
  ) {
    this.counter = new ObsCounter(SERVICE_METRICS.errorsTotal, ctx);
  }

  /** Count one error; `error` is an Error-like value or a type name. Returns the type counted. */
  record(error: unknown, count = 1): string {
    let type: string;
    try {
      type = errorTypeOf(error);
    } catch {
      type = OTHER_ERROR_TYPE;
    }
    let child = this.types.get(type);
    if (child === undefined) {
      if (this.types.size >= this.maxTypes && type !== OTHER_ERROR_TYPE) {
        this.warner.once('OBS_WARN_ERROR_TYPE_CAP', SERVICE_METRICS.errorsTotal.name, `error type "${type}" is past the cap of ${this.maxTypes}.`);
        type = OTHER_ERROR_TYPE;
        child = this.types.get(type);
      }
      if (child === undefined) {
        child = this.counter.labels(type);
        this.types.set(type, child);
      }
    }
    child.inc(count);
    return type;
  }
}
