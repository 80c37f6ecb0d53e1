/**
 * The cluster dimension, applied to finished expressions in one place (see
 * docs/decisions/0054-multicluster.md). The rule and dashboard builders write single-cluster
 * PromQL; with `multiCluster` on, these rewrites run over the real PromQL grammar
 * (@prometheus-io/lezer-promql) and splice text at the syntax nodes, so no rule or panel spells
 * the cluster label by hand:
 * - {@link keepLabelInAggregations}: every `by (…)` and `on (…)` gains the label (rules: also every
 *   aggregation without a clause, so nothing sums two clusters together);
 * - {@link addMatcher}: every vector selector gains a matcher (`cluster=~"$cluster"`);
 * - {@link carriesLabel}: whether the result still has the label (legends show it then).
 * Grafana's `$__…` macros are replaced by same-length numbers before parsing, so positions hold.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

interface Edit {
  at: number;
  text: string;
}

/** `$__rate_interval` → `999999999999999s` (a duration in `[…]`, a number elsewhere): same length. */
function standIns(expr: string): string {
  return expr.replace(/\$__[A-Za-z_]+/g, (macro, offset: number) => {
    const before = expr.slice(0, offset).trimEnd().at(-1);
    return before === '[' || before === ':' ? `${'9'.repeat(macro.length - 1)}s` : '9'.repeat(macro.length);
  });
}

function parse(expr: string): { tree: Tree; source: string } {
  const source = standIns(expr);
  const tree = parser.parse(source);
  let error: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === undefined) error = n.from;
    },
  });
  if (error !== undefined) throw new SyntaxError(`not valid PromQL at ${error}: ${expr}`);
  return { tree, source };
}

function apply(expr: string, edits: Edit[]): string {
  let out = expr;
  for (const e of [...edits].sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

function labelsOf(node: SyntaxNode, source: string): string[] {
  return node.getChildren('LabelName').map((l) => source.slice(l.from, l.to));
}

/** Inserts `label` into a `(…)` label list unless it is there. */
function intoList(node: SyntaxNode, source: string, label: string): Edit | undefined {
  const names = labelsOf(node, source);
  if (names.includes(label)) return undefined;
  return { at: node.to - 1, text: names.length === 0 ? label : `, ${label}` };
}

/**
 * Adds `label` to every `by (…)` and `on (…)` clause of an expression; with `everyAggregation`,
 * also turns `sum(x)` into `sum by (label) (x)`. `without (…)` and `ignoring (…)` keep the label
 * already, and `group_left (…)` lists labels copied from the other side, so they are left alone.
 *
 * @example
 * keepLabelInAggregations('sum by (service) (rate(x[5m])) / on (job) max(y)', 'cluster', true)
 * // 'sum by (service, cluster) (rate(x[5m])) / on (job, cluster) max by (cluster) (y)'
 */
export function keepLabelInAggregations(expr: string, label: string, everyAggregation: boolean): string {
  const { tree, source } = parse(expr);
  const edits: Edit[] = [];
  tree.iterate({
    enter: (ref) => {
      const n = ref.node;
      if (n.name === 'GroupingLabels') {
        const kind = n.prevSibling?.name;
        if (kind === 'By' || kind === 'On') {
          const e = intoList(n, source, label);
          if (e) edits.push(e);
        }
      } else if (n.name === 'AggregateExpr' && everyAggregation && !n.getChild('AggregateModifier')) {
        const op = n.getChild('AggregateOp');
        if (op) edits.push({ at: op.to, text: ` by (${label}) ` });
      }
    },
  });
  return apply(expr, edits);
}

/**
 * Adds a rendered matcher (e.g. `cluster=~"$cluster"`) to every vector selector that does not
 * select on that label yet.
 *
 * @example
 * addMatcher('rate(x[5m]) / y{a="b"}', 'cluster', 'cluster=~"$cluster"')
 * // 'rate(x{cluster=~"$cluster"}[5m]) / y{a="b", cluster=~"$cluster"}'
 */
export function addMatcher(expr: string, label: string, rendered: string): string {
  const { tree, source } = parse(expr);
  const edits: Edit[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const matchers = ref.node.getChild('LabelMatchers');
      if (!matchers) {
        edits.push({ at: ref.to, text: `{${rendered}}` });
        return false;
      }
      const names: string[] = [];
      for (let c = matchers.firstChild; c; c = c.nextSibling) {
        const l = c.getChild('LabelName');
        if (l) names.push(source.slice(l.from, l.to));
      }
      if (names.includes(label)) return false;
      const inner = source.slice(matchers.from + 1, matchers.to - 1).trim();
      edits.push({ at: matchers.to - 1, text: inner === '' ? rendered : `, ${rendered}` });
      return false;
    },
  });
  return apply(expr, edits);
}

/**
 * Whether the result of an expression keeps `label`: it selects series directly, or through
 * aggregations that group by it (or use `without`). An aggregation without a clause, `scalar()`,
 * `vector()` and `time()` drop it.
 *
 * @example
 * carriesLabel('sum by (service, cluster) (rate(x[5m]))', 'cluster') // true
 * carriesLabel('sum(rate(x[5m]))', 'cluster') // false
 */
export function carriesLabel(expr: string, label: string): boolean {
  const { tree, source } = parse(expr);
  let found = false;
  tree.iterate({
    enter: (ref) => {
      if (found) return false;
      const n = ref.node;
      if (n.name === 'AggregateExpr') {
        const mod = n.getChild('AggregateModifier');
        if (!mod) return false;
        if (mod.getChild('By')) {
          const list = mod.getChild('GroupingLabels');
          if (!list || !labelsOf(list, source).includes(label)) return false;
        }
        return undefined;
      }
      if (n.name === 'FunctionCall') {
        const id = n.getChild('FunctionIdentifier');
        const fn = id ? source.slice(id.from, id.to) : '';
        if (fn === 'scalar' || fn === 'vector' || fn === 'time') return false;
      }
      if (n.name === 'VectorSelector') {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}
