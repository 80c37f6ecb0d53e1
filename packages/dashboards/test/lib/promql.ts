/**
 * Test helpers over the real PromQL grammar (@prometheus-io/lezer-promql): parse an expression
 * after substituting Grafana's variables as Grafana would, list the metric names it selects, and
 * find counters used outside rate()/increase() or rate windows other than $__rate_interval.
 */
import { CONTRACT_METRICS, EXPORTER_METRICS, type MetricDefinition } from '@obs/metrics-standard';
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** What `$__rate_interval` becomes before parsing (a value no generated query uses by itself). */
export const RATE_INTERVAL_STAND_IN = '1234s';
/** What `$__range` becomes (a 6-hour dashboard range). */
const RANGE_STAND_IN = '6h';

/**
 * Substitutes Grafana's variables as Grafana does before sending a query: `$__rate_interval` and
 * the other interval macros become durations, `$__range_s` a number, `${var}`/`$var` a value.
 */
export function substituteGrafana(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', RATE_INTERVAL_STAND_IN)
    .replaceAll('$__interval', '30s')
    .replaceAll('$__range_s', '21600')
    .replaceAll('$__range', RANGE_STAND_IN)
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)/g, 'value');
}

/** A parsed expression: its syntax errors and its selectors. */
export interface Parsed {
  expr: string;
  errors: string[];
  /** Every VectorSelector's metric name (Identifier child). */
  selectors: { name: string; node: SyntaxNode }[];
}

/** Parses a PromQL expression (already substituted). */
export function parsePromQL(expr: string): Parsed {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Parsed['selectors'] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: ${JSON.stringify(expr.slice(Math.max(0, ref.from - 20), ref.to + 20))}`);
      if (ref.name === 'VectorSelector') {
        const id = ref.node.getChild('Identifier');
        if (id) selectors.push({ name: expr.slice(id.from, id.to), node: ref.node });
        else errors.push(`selector without a metric name: ${expr.slice(ref.from, ref.to)}`);
      }
    },
  });
  return { expr, errors, selectors };
}

/** Every series name the definitions (plus extra definitions) allow, with whether it is counter-like. */
export function definedSeries(extra: readonly MetricDefinition[] = [], recorded: readonly string[] = []): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const d of [...CONTRACT_METRICS, ...EXPORTER_METRICS, ...extra]) {
    if (d.type === 'histogram' || d.type === 'summary') {
      out.set(`${d.name}_bucket`, true);
      out.set(`${d.name}_count`, true);
      out.set(`${d.name}_sum`, true);
      if (d.type === 'summary') out.set(d.name, false);
    } else {
      out.set(d.name, d.type === 'counter');
    }
  }
  for (const r of recorded) out.set(r, false);
  return out;
}

function functionOf(node: SyntaxNode | null, source: string): string | undefined {
  // VectorSelector → MatrixSelector → FunctionCallBody → FunctionCall(FunctionIdentifier …)
  const matrix = node?.parent;
  if (matrix?.name !== 'MatrixSelector') return undefined;
  const call = matrix.parent?.parent;
  if (call?.name !== 'FunctionCall') return undefined;
  const id = call.getChild('FunctionIdentifier');
  return id ? source.slice(id.from, id.to) : undefined;
}

/** Problems of one expression against the definitions: unknown metrics, bare counters, windows. */
export function lintExpression(
  expr: string,
  defined: Map<string, boolean>,
  opts: { requireRateInterval: boolean },
): string[] {
  const parsed = parsePromQL(substituteGrafana(expr));
  const problems = [...parsed.errors];
  for (const s of parsed.selectors) {
    if (!defined.has(s.name)) {
      problems.push(`${s.name} is not in the definitions`);
      continue;
    }
    const fn = functionOf(s.node, parsed.expr);
    if (defined.get(s.name) && fn !== 'rate' && fn !== 'increase') problems.push(`counter ${s.name} outside rate()/increase()`);
    if (opts.requireRateInterval && (fn === 'rate' || fn === 'increase')) {
      const matrix = s.node.parent!;
      const window = parsed.expr.slice(s.node.to, matrix.to);
      // A total over the dashboard's time range (an instant stat) is `increase(…[$__range])`.
      const rangeTotal = fn === 'increase' && window === `[${RANGE_STAND_IN}]`;
      if (window !== `[${RATE_INTERVAL_STAND_IN}]` && !rangeTotal) problems.push(`${fn}(${s.name}${window}) does not use $__rate_interval`);
    }
  }
  return problems;
}

/** `label_values(selector, label)` → the selector; a plain query is returned as is. */
export function variableSelector(query: string): string {
  const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query.trim());
  return m ? m[1]! : query;
}
