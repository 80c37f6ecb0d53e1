/**
 * Small formatting helpers shared by the rule, test and Alertmanager builders: Prometheus
 * durations, runbook slugs, fixed-precision constants, and the subset of Prometheus's template
 * functions (`humanize`, `humanizePercentage`, `humanizeDuration`) the promtool tests need to
 * predict rendered annotations. Ported from prometheus/template/template.go (Apache-2.0).
 */

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001] as const;

/** True for a Prometheus duration such as `5m`, `1h30m`, `0s`. @example isDuration('5m') // true */
export function isDuration(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && DURATION.test(value);
}

/** A Prometheus duration in seconds. @example durationSeconds('1h30m') // 5400 */
export function durationSeconds(value: string): number {
  const m = DURATION.exec(value);
  if (!m || value === '') throw new RangeError(`not a Prometheus duration: ${JSON.stringify(value)}`);
  return UNITS.reduce((acc, unit, i) => acc + Number(m[i + 1] ?? 0) * unit, 0);
}

/** Seconds as a Prometheus duration (`90` → `1m30s`, `0` → `0s`). @example formatDuration(5400) // '1h30m' */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, s] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / s);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * s;
  }
  return out;
}

/** The runbook slug of an alert: lower-kebab. @example kebab('HighAPIErrorRate') // 'high-api-error-rate' */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** A rule constant printed at fixed precision (6 decimals). @example fixed(14.4 * (1 - 0.999)) // '0.014400' */
export function fixed(value: number): string {
  return value.toFixed(6);
}

/** Go's `%.4g`: 4 significant digits, trailing zeros removed, exponent outside 1e-4 … 1e4. */
export function goG4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mant, expStr] = v.toExponential(3).split('e') as [string, string];
  const exp = Number(expStr);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 4) return `${strip(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(v.toFixed(Math.max(0, 3 - exp)));
}

/** Prometheus's `humanize`: SI prefixes, 4 significant digits. @example humanize(1500) // '1.5k' */
export function humanize(value: number): string {
  let v = value;
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goG4(v)}${prefix}`;
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}`;
}

/** Prometheus's `humanizePercentage`. @example humanizePercentage(0.1) // '10%' */
export function humanizePercentage(value: number): string {
  return `${goG4(value * 100)}%`;
}

/** Prometheus's `humanizeDuration`. @example humanizeDuration(117) // '1m 57s' */
export function humanizeDuration(value: number): string {
  let v = value;
  if (!Number.isFinite(v)) return goG4(v);
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const d = Math.trunc(v);
    const [s, m, h, days] = [d % 60, Math.trunc(d / 60) % 60, Math.trunc(d / 3600) % 24, Math.trunc(d / 86400)];
    if (days !== 0) return `${sign}${days}d ${h}h ${m}m ${s}s`;
    if (h !== 0) return `${sign}${h}h ${m}m ${s}s`;
    if (m !== 0) return `${sign}${m}m ${s}s`;
    return `${sign}${goG4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}

/** How an alert's `$value` is shown in its description. */
export type ValueFormat = 'percent' | 'duration' | 'number' | 'none';

/** The template pipe for a value format. */
export function valueTemplate(format: ValueFormat): string {
  if (format === 'percent') return '{{ $value | humanizePercentage }}';
  if (format === 'duration') return '{{ $value | humanizeDuration }}';
  if (format === 'number') return '{{ $value | humanize }}';
  return '';
}

/** A threshold as a human reads it in a description. */
export function showThreshold(value: number, format: ValueFormat): string {
  if (format === 'percent') return humanizePercentage(value);
  if (format === 'duration') return humanizeDuration(value);
  return humanize(value);
}

/**
 * Renders the subset of Go templates the generated annotations use (`{{ $labels.x }}` and
 * `{{ $value | fn }}`), to predict what Prometheus will render in promtool tests.
 */
export function renderTemplate(template: string, labels: Record<string, string>, value: number): string {
  return template
    .replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, l: string) => labels[l] ?? '<no value>')
    .replace(/\{\{ \$value \| (humanizePercentage|humanizeDuration|humanize) \}\}/g, (_, fn: string) =>
      fn === 'humanizePercentage' ? humanizePercentage(value) : fn === 'humanizeDuration' ? humanizeDuration(value) : humanize(value),
    );
}
