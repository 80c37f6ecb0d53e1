import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tool } from '../../../scripts/lib/tools.mjs';
import { ExpositionSyntaxError, parseExposition } from '../src/checker/index.js';

/** promtool's verdict on a text-format exposition: exit 1 is a parse error (3 = lint findings only). */
function promtoolRejects(text: string): boolean {
  const run = spawnSync(tool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return run.status === 1 && run.stderr.includes('parsing error');
}

function weReject(text: string): boolean {
  try {
    parseExposition(text, 'prometheus');
    return false;
  } catch (err) {
    if (err instanceof ExpositionSyntaxError) return true;
    throw err;
  }
}

// Lines chosen at the edges of the text format 0.0.4 grammar, both sides of each edge.
const CASES = [
  'a 1\n',
  '  a 1\n\n# a comment\n#not a comment keyword\n',
  'a{b="x",} 1\n',
  'a{b="x\\\\y\\"z\\n"} 1\n',
  'a{b="\\q"} 1\n',
  'a{b="x"}1\n',
  'a{1b="x"} 1\n',
  'a{b="x",b="y"} 1\n',
  'a{b=x} 1\n',
  'a{b="x" 1\n',
  '1a 1\n',
  'a:b_c 1\n',
  'a\t1\n',
  'a 1\r\n',
  ...['1_0', 'Inf', '-Inf', '+Inf', '.5', '+1', '1e3', '1e', '0x10', 'nan', 'NaN', '+nan', 'infinity', '1.', '-0', ''].map((v) => `a ${v}\n`),
  'a 1 1700000000000\n',
  'a 1 -3\n',
  'a 1 2.5\n',
  'a 1 abc\n',
  'a 1 2 3\n',
  '# TYPE a gauge\n# TYPE a gauge\na 1\n',
  'a 1\n# TYPE a gauge\n',
  '# TYPE a foo\n',
  '# TYPE a GAUGE\na 1\n',
  '# HELP a x\n# HELP a y\n',
  '# HELP a with \\\\ and \\n escapes\na 1\n',
  '# TYPE h histogram\nh_bucket{le="x"} 1\n',
  '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
  '# TYPE s summary\ns{quantile="x"} 1\n',
  '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
  '# TYPE a gauge\na 1\nb 1\na{x="y"} 2\n',
];

describe('parseExposition agrees with promtool check metrics', () => {
  it.each(CASES)('%j', (text) => {
    expect(weReject(text)).toBe(promtoolRejects(text));
  });

  it('agrees on every checker fixture', () => {
    for (const name of ['conforming.prom', 'malformed.prom', 'raw-paths.prom', 'wrong-labels.prom']) {
      const text = readFileSync(new URL(`./fixtures/checker/${name}`, import.meta.url), 'utf8');
      expect([name, weReject(text)]).toEqual([name, promtoolRejects(text)]);
    }
  });
});

describe('parseExposition', () => {
  it('groups histogram samples into their family and keeps every label set', () => {
    const { families } = parseExposition(
      '# TYPE h histogram\nh_bucket{path="/a",le="1"} 1\nh_bucket{path="/a",le="+Inf"} 2\nh_sum{path="/a"} 3\nh_count{path="/a"} 2\nh_bucket{path="/b",le="1"} 5\nh_bucket{path="/b",le="+Inf"} 6\n',
      'prometheus',
    );
    expect([...families.keys()]).toEqual(['h']);
    const h = families.get('h');
    expect(h?.type).toBe('histogram');
    expect(h?.samples.map((s) => [s.name, s.labels.path, s.labels.le ?? null, s.value])).toEqual([
      ['h_bucket', '/a', '1', 1],
      ['h_bucket', '/a', '+Inf', 2],
      ['h_sum', '/a', null, 3],
      ['h_count', '/a', null, 2],
      ['h_bucket', '/b', '1', 5],
      ['h_bucket', '/b', '+Inf', 6],
    ]);
  });

  it('reads special floats and unescapes label values', () => {
    const { families } = parseExposition('g{a="x\\"y\\\\z\\n"} NaN\nh -Inf\n', 'prometheus');
    expect(families.get('g')?.samples[0]?.labels.a).toBe('x"y\\z\n');
    expect(families.get('g')?.samples[0]?.value).toBeNaN();
    expect(families.get('h')?.samples[0]?.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it('reads OpenMetrics: counters named without _total, # UNIT, exemplars, float timestamps, # EOF', () => {
    const { families } = parseExposition(
      '# TYPE c counter\n# HELP c Things.\nc_total{a="1"} 3 1700000000.5 # {trace_id="abc"} 1 1700000000.1\nc_created{a="1"} 1700000000\n# TYPE d_seconds gauge\n# UNIT d_seconds seconds\nd_seconds 1.5\n# EOF\n',
      'openmetrics',
    );
    expect(families.get('c')?.samples.map((s) => s.name)).toEqual(['c_total', 'c_created']);
    expect(families.get('d_seconds')?.unit).toBe('seconds');
  });

  it('rejects OpenMetrics without # EOF, with content after it, or with interleaved families', () => {
    expect(() => parseExposition('# TYPE a gauge\na 1\n', 'openmetrics')).toThrow(/missing "# EOF"/);
    expect(() => parseExposition('a 1\n# EOF\na 2\n', 'openmetrics')).toThrow(/after "# EOF"/);
    expect(() => parseExposition('a 1\nb 1\na 2\n# EOF\n', 'openmetrics')).toThrow(/interleaved/);
  });
});
