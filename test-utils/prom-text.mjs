// Reading a Prometheus text (or OpenMetrics) body in tests: one parser for the package tests, the
// examples' child-process tests and anything else that asserts on what /metrics reports.

// name, then an optional label block (quoted values may hold `}` or spaces), then the value;
// a timestamp or an OpenMetrics exemplar after the value is ignored.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescapeLabel = (v) => v.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));

/** Every sample of an exposition body: `{ name, labels, value }` (label values unescaped). */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = unescapeLabel(l[2]);
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples named `name` whose labels include `match` (from a body or parsed samples). */
export function select(from, name, match = {}) {
  const samples = typeof from === 'string' ? parseMetrics(from) : from;
  const wanted = Object.entries(match);
  return samples.filter((s) => s.name === name && wanted.every(([k, v]) => s.labels[k] === v));
}

/** Sum of the values of `select(from, name, match)`. */
export function sum(from, name, match = {}) {
  return select(from, name, match).reduce((a, s) => a + s.value, 0);
}

/** The distinct values of one label across the samples named `name`. */
export function labelValues(from, name, label) {
  const values = new Set();
  for (const s of select(from, name)) if (s.labels[label] !== undefined) values.add(s.labels[label]);
  return values;
}
