/**
 * A parser for the two exposition formats Prometheus scrapes: the text format 0.0.4 and
 * OpenMetrics 1.0. It follows what `promtool check metrics` (client_golang's expfmt) accepts and
 * rejects for the text format, and the OpenMetrics family/suffix rules (`# UNIT`, `# EOF`, counters
 * named without `_total`, exemplars). Why it is hand-written: docs/decisions/0050-exposition-parser.md.
 */

/** The two formats {@link parseExposition} reads. */
export type ExpositionFormatName = 'prometheus' | 'openmetrics';

/** A family type as written on its `# TYPE` line (`untyped`/`unknown` when there is none). */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'unknown' | 'gaugehistogram' | 'info' | 'stateset';

/** One sample line. */
export interface Sample {
  /** The sample's own name, e.g. `http_request_duration_seconds_bucket`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** 1-based line number in the exposition. */
  readonly line: number;
}

/** A metric family: the `# HELP`/`# TYPE`/`# UNIT` metadata and every sample that belongs to it. */
export interface MetricFamily {
  readonly name: string;
  type: FamilyType;
  /** True when a `# TYPE` line declared the type. */
  typed: boolean;
  help?: string;
  /** The OpenMetrics `# UNIT`, when declared. */
  unit?: string;
  readonly samples: Sample[];
}

/** A parsed exposition: families in the order they first appeared. */
export interface Exposition {
  readonly format: ExpositionFormatName;
  readonly families: ReadonlyMap<string, MetricFamily>;
}

/** A line the format does not allow; `line` is 1-based. */
export class ExpositionSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ExpositionSyntaxError';
  }
}

const TEXT_TYPES = new Set<FamilyType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OM_TYPES = new Set<FamilyType>(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);

/** Sample-name suffixes that belong to a family of each type, per format. */
const TEXT_SUFFIXES: Partial<Record<FamilyType, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};
const OM_SUFFIXES: Partial<Record<FamilyType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};
const ALL_SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info', '_gsum', '_gcount'] as const;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const METRIC_NAME_START = /[a-zA-Z_:]/;
const METRIC_NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_NAME_START = /[a-zA-Z_]/;
const LABEL_NAME_CHAR = /[a-zA-Z0-9_]/;
// Go's strconv.ParseFloat as expfmt uses it (decimal only: no hex, no underscores).
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOAT = /^(?:[+-]?(?:inf|infinity)|nan)$/i;
const INTEGER = /^[+-]?\d+$/;

/** Parses a float the way Prometheus does; `undefined` when it is not one. */
export function parseFloatValue(text: string): number | undefined {
  if (FLOAT.test(text)) return Number(text);
  if (SPECIAL_FLOAT.test(text)) {
    const lower = text.toLowerCase();
    if (lower === 'nan') return Number.NaN;
    return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

class LineReader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly lineNo: number,
  ) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  /** The character at the cursor ('' at the end). A method, not a getter: it changes as the cursor moves. */
  ch(): string {
    return this.text.charAt(this.pos);
  }
  skipBlanks(): boolean {
    const start = this.pos;
    while (this.ch() === ' ' || this.ch() === '\t') this.pos++;
    return this.pos > start;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && this.ch() !== ' ' && this.ch() !== '\t') this.pos++;
    return this.text.slice(start, this.pos);
  }
  fail(reason: string): never {
    throw new ExpositionSyntaxError(this.lineNo, reason);
  }
}

function readMetricName(r: LineReader): string {
  const start = r.pos;
  if (!METRIC_NAME_START.test(r.ch())) r.fail('invalid metric name');
  while (!r.done && METRIC_NAME_CHAR.test(r.ch())) r.pos++;
  return r.text.slice(start, r.pos);
}

function readLabels(r: LineReader, metric: string): Record<string, string> {
  const labels: Record<string, string> = {};
  r.pos++; // '{'
  for (;;) {
    r.skipBlanks();
    if (r.ch() === '}') {
      r.pos++;
      return labels;
    }
    const start = r.pos;
    if (!LABEL_NAME_START.test(r.ch())) r.fail(`invalid label name for metric "${metric}"`);
    while (!r.done && LABEL_NAME_CHAR.test(r.ch())) r.pos++;
    const name = r.text.slice(start, r.pos);
    r.skipBlanks();
    if (r.ch() !== '=') r.fail(`expected '=' after label name "${name}" of metric "${metric}"`);
    r.pos++;
    r.skipBlanks();
    if (r.ch() !== '"') r.fail(`expected '"' to open the value of label "${name}" of metric "${metric}"`);
    r.pos++;
    let value = '';
    for (;;) {
      if (r.done) r.fail(`unterminated value of label "${name}" of metric "${metric}"`);
      const c = r.ch();
      r.pos++;
      if (c === '"') break;
      if (c === '\\') {
        const e = r.ch();
        r.pos++;
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else r.fail(`invalid escape sequence '\\${e}'`);
      } else value += c;
    }
    if (Object.hasOwn(labels, name)) r.fail(`duplicate label names for metric "${metric}"`);
    labels[name] = value;
    r.skipBlanks();
    if (r.ch() === ',') r.pos++;
    else if (r.ch() !== '}') r.fail(`expected ',' or '}' after the value of label "${name}" of metric "${metric}"`);
  }
}

/**
 * Parses an exposition in the given format. Throws {@link ExpositionSyntaxError} on the first line
 * Prometheus would reject.
 *
 * @example
 * const { families } = parseExposition('# TYPE up gauge\nup{service="api"} 1\n', 'prometheus');
 * families.get('up')?.samples[0]?.labels.service; // 'api'
 */
export function parseExposition(text: string, format: ExpositionFormatName): Exposition {
  const om = format === 'openmetrics';
  const families = new Map<string, MetricFamily>();
  const suffixes = om ? OM_SUFFIXES : TEXT_SUFFIXES;
  const types = om ? OM_TYPES : TEXT_TYPES;
  const defaultType: FamilyType = om ? 'unknown' : 'untyped';
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let sawEof = false;
  let current: MetricFamily | undefined;

  const declared = (name: string): MetricFamily => {
    let fam = families.get(name);
    if (fam === undefined) {
      fam = { name, type: defaultType, typed: false, samples: [] };
      families.set(name, fam);
    }
    return fam;
  };

  const familyOf = (sampleName: string): MetricFamily => {
    for (const suffix of ALL_SUFFIXES) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = families.get(sampleName.slice(0, -suffix.length));
      if (base?.typed && suffixes[base.type]?.includes(suffix)) return base;
    }
    return declared(sampleName);
  };

  lines.forEach((raw, index) => {
    const r: LineReader = new LineReader(raw, index + 1);
    if (sawEof) r.fail('content after "# EOF"');
    if (!om) r.skipBlanks();
    if (r.done) {
      if (om) r.fail('empty line (OpenMetrics allows none)');
      return;
    }
    if (r.ch() === '#') {
      r.pos++;
      const blank = r.skipBlanks();
      const keyword = r.token();
      if (om && keyword === 'EOF' && blank) {
        sawEof = true;
        return;
      }
      if (!blank || (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') || (keyword === 'UNIT' && !om)) return; // a comment
      if (!r.skipBlanks()) r.fail(`expected a metric name after # ${keyword}`);
      const name = r.token();
      if (!METRIC_NAME.test(name)) r.fail('invalid metric name in comment');
      const fam = declared(name);
      if (om && current !== undefined && current !== fam && fam.samples.length > 0) r.fail(`metadata for "${name}" after its samples`);
      current = fam;
      r.skipBlanks();
      const rest = r.text.slice(r.pos);
      if (keyword === 'HELP') {
        if (fam.help !== undefined) r.fail(`second HELP line for metric name "${name}"`);
        fam.help = rest.replace(/\\(\\|n|")/g, (_, c: string) => (c === 'n' ? '\n' : c));
      } else if (keyword === 'UNIT') {
        if (fam.unit !== undefined) r.fail(`second UNIT line for metric name "${name}"`);
        fam.unit = rest.trim();
      } else {
        const type = rest.trim().toLowerCase() as FamilyType;
        if (fam.typed || fam.samples.length > 0) r.fail(`second TYPE line for metric name "${name}", or TYPE reported after samples`);
        if (!types.has(type)) r.fail(`unknown metric type "${rest.trim()}"`);
        fam.type = type;
        fam.typed = true;
      }
      return;
    }

    const name = readMetricName(r);
    const labels = r.ch() === '{' ? readLabels(r, name) : {};
    r.skipBlanks();
    const valueText = r.token();
    const value = parseFloatValue(valueText);
    if (value === undefined) r.fail(`expected float as value, got "${valueText}"`);
    r.skipBlanks();
    if (!r.done && r.ch() !== '#') {
      const ts = r.token();
      const ok = om ? parseFloatValue(ts) !== undefined : INTEGER.test(ts);
      if (!ok) r.fail(`expected ${om ? 'float' : 'integer'} as timestamp, got "${ts}"`);
      r.skipBlanks();
    }
    if (!r.done) {
      // OpenMetrics exemplar: `# {trace_id="…"} value [timestamp]`; the checker does not need it.
      if (!(om && r.ch() === '#')) r.fail(`unexpected "${r.text.slice(r.pos)}" after the sample value`);
    }
    const fam = familyOf(name);
    if (om && current !== undefined && current !== fam && fam.samples.length > 0) r.fail(`samples of "${fam.name}" are interleaved with another family`);
    current = fam;
    const bound = fam.type === 'histogram' || fam.type === 'gaugehistogram' ? 'le' : fam.type === 'summary' ? 'quantile' : undefined;
    if (bound !== undefined && (bound === 'quantile' || name.endsWith('_bucket')) && labels[bound] !== undefined) {
      if (parseFloatValue(labels[bound]) === undefined) r.fail(`expected float as value for '${bound}' label, got "${labels[bound]}"`);
    }
    fam.samples.push({ name, labels, value, line: index + 1 });
  });

  if (om && !sawEof) throw new ExpositionSyntaxError(lines.length, 'missing "# EOF" at the end of an OpenMetrics exposition');
  return { format, families };
}

/**
 * The format of a response from its `Content-Type` (OpenMetrics when it says
 * `application/openmetrics-text`), or from the text itself when there is no header.
 */
export function detectFormat(contentType: string | undefined | null, text: string): ExpositionFormatName {
  if (contentType) return contentType.toLowerCase().includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
  return /(^|\n)# EOF\s*$/.test(text) ? 'openmetrics' : 'prometheus';
}

/** The label set of a sample without its bucket/quantile bound: one key per series. */
export function seriesKey(labels: Readonly<Record<string, string>>, drop: readonly string[]): string {
  return Object.keys(labels)
    .filter((k) => !drop.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
