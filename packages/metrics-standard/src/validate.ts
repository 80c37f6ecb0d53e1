import { distance } from 'fastest-levenshtein';
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

/** `a` and `b` differ only by two neighbouring characters swapped. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/**
 * The known name closest to `name` (a typo or a case slip: `ignor` → `ignore`, `Service` →
 * `service`), or undefined when none is close enough to be what was meant.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    // Two neighbouring letters swapped (`lable` → `label`) is one slip, not two edits.
    const d = c === lower ? 0 : isTransposition(lower, c) ? 1 : distance(lower, c);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // At most one edit in three characters (and at least one): `tokn` → `token`, not `env` → `obs`.
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3))) return best;
  // Else a shortened name: `maxSeries` → `maxSeriesPerMetric`.
  return lower.length >= 4 ? known.find((k) => k.toLowerCase().startsWith(lower)) : undefined;
}

/**
 * Throws OBS_ERR_INVALID_OPTION for keys the options type does not have (a typo must not pass
 * silently), naming `option.key`, the nearest known key when one is close, and the known keys.
 *
 * @example
 * rejectUnknownKeys('metrics', { pth: '/m' }, ['path', 'token']); // throws: invalid option `metrics.pth` (… did you mean `path`? …)
 */
export function rejectUnknownKeys(option: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const near = closestName(key, known);
      throw new ObsError(
        'OBS_ERR_INVALID_OPTION',
        `${option}${option ? '.' : ''}${key}`,
        typeOnly((value as Record<string, unknown>)[key]),
        `unknown option${near === undefined ? '' : `; did you mean \`${option}${option ? '.' : ''}${near}\`?`}; known: ${known.join(', ')}`,
      );
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

/**
 * Runs `validate` and names the option of a coded error it throws in full, under `prefix`: the core
 * validates `{ token }`, an integration passes its `metrics` option, so the user reads `metrics.token`.
 *
 * @example
 * const guard = withOptionPath('metrics', () => createScrapeGuard(options.metrics)); // OBS_ERR_INVALID_TOKEN … `metrics.token`
 */
export function withOptionPath<T>(prefix: string, validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (!(err instanceof ObsError) || prefix === '') throw err;
    const option = err.option === '' ? prefix : `${prefix}${err.option.startsWith('[') ? '' : '.'}${err.option}`;
    const detail = err.detail?.replaceAll(/`([^`]+)`\?/g, (m, name: string) => (m.endsWith('?') ? `\`${prefix}.${name}\`?` : m));
    throw new ObsError(err.code, option, err.receivedTypeOnly ? typeOnly(err.received) : err.received, detail);
  }
}
