import { OVERFLOW_VALUE } from '../../definitions/labels.js';
import { formatSeries, seriesOf } from '../context.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

/** No metric has more label sets than the budget, and none has collapsed values into OVERFLOW_VALUE. */
export const cardinality: Rule = {
  id: 'cardinality',
  description: `No metric has more distinct label sets than the budget (--max-series), and none has reached its cap (values collapsed into ${OVERFLOW_VALUE}).`,
  check(ctx) {
    const over: string[] = [];
    const capped: string[] = [];
    let largest = 0;
    let largestName = '';
    for (const family of ctx.exposition.families.values()) {
      const series = seriesOf(family);
      if (series.length > largest) {
        largest = series.length;
        largestName = family.name;
      }
      if (series.length > ctx.maxSeries) over.push(`${family.name}: ${series.length} label sets`);
      const overflowed = series.find((s) => Object.values(s.labels).includes(OVERFLOW_VALUE));
      if (overflowed !== undefined) capped.push(`${formatSeries(family.name, overflowed.labels)}: reached its cap`);
    }
    if (over.length > 0 || capped.length > 0) {
      return fail(
        `label sets over the budget of ${ctx.maxSeries} per metric${capped.length > 0 ? ` or collapsed into ${OVERFLOW_VALUE}` : ''}: an unbounded value (id, URL, user) is in a label`,
        [...over, ...capped],
      );
    }
    return pass(`every metric within ${ctx.maxSeries} label sets (largest: ${largestName || 'none'}, ${largest})`);
  },
};
