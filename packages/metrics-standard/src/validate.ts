import { ObsError, typeOnly } from './errors.js';

/** Throws OBS_ERR_INVALID_OPTION unless `value` is undefined or a string. */
export function optionalString(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, 'expected a string');
  return value;
}

/** Throws OBS_ERR_INVALID_OPTION unless `value` is undefined or a boolean. */
export function optionalBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, 'expected true or false');
  return value;
}

/** Throws OBS_ERR_INVALID_OPTION unless `value` is undefined or an integer within [min, max]. */
export function optionalInteger(option: string, value: unknown, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Throws OBS_ERR_INVALID_OPTION for keys the options type does not have (a typo must not pass
 * silently), naming `option.key` and the known keys.
 *
 * @example
 * rejectUnknownKeys('metrics', { pth: '/m' }, ['path', 'token']); // throws: invalid option `metrics.pth`
 */
export function rejectUnknownKeys(option: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ObsError('OBS_ERR_INVALID_OPTION', `${option}${option ? '.' : ''}${key}`, typeOnly((value as Record<string, unknown>)[key]), `unknown option; known: ${known.join(', ')}`);
    }
  }
}

/** Throws OBS_ERR_INVALID_OPTION unless `value` is a plain object (or undefined). */
export function optionalObject(option: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, 'expected an object');
  }
  return value as Record<string, unknown>;
}

/**
 * Validates histogram buckets: a non-empty array of finite positive numbers in ascending order that
 * keeps every `required` bound.
 */
export function validateBuckets(option: string, value: unknown, required: readonly number[] = []): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw new ObsError('OBS_ERR_INVALID_BUCKETS', option, value, 'expected a non-empty array of numbers');
  let prev = 0;
  for (const b of value) {
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= prev) {
      throw new ObsError('OBS_ERR_INVALID_BUCKETS', option, value, 'bounds must be finite, positive and strictly ascending');
    }
    prev = b;
  }
  for (const r of required) {
    if (!value.includes(r)) throw new ObsError('OBS_ERR_INVALID_BUCKETS', option, value, `the alert rules need a ${r} s bound`);
  }
  return [...value];
}
