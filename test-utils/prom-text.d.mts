/** One sample of a Prometheus text (or OpenMetrics) body. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample of an exposition body: `{ name, labels, value }` (label values unescaped). */
export function parseMetrics(text: string): Sample[];
/** The samples named `name` whose labels include `match` (from a body or parsed samples). */
export function select(from: string | readonly Sample[], name: string, match?: Record<string, string>): Sample[];
/** Sum of the values of `select(from, name, match)`. */
export function sum(from: string | readonly Sample[], name: string, match?: Record<string, string>): number;
/** The distinct values of one label across the samples named `name`. */
export function labelValues(from: string | readonly Sample[], name: string, label: string): Set<string>;
