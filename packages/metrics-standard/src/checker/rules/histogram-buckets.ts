import { LABELS } from '../../definitions/labels.js';
import { formatSeries } from '../context.js';
import { parseFloatValue } from '../exposition.js';
import type { Rule } from './types.js';
import { fail, pass, plural } from './types.js';

/** Contract histograms have the bucket bounds the alerts need (`requiredBuckets`: 1 s for HTTP, 60 s for tasks). */
export const histogramBuckets: Rule = {
  id: 'histogram-buckets',
  description: 'Contract histograms have every bucket bound the alerts rely on (definition.requiredBuckets: 1 s for HTTP requests, 60 s for tasks).',
  check(ctx) {
    const wrong: string[] = [];
    let checked = 0;
    const empty: string[] = [];
    for (const { definition, family, series } of ctx.contract) {
      const required = definition.requiredBuckets ?? [];
      // A wrong type is metric-types' finding; buckets only mean something on a histogram.
      if (required.length === 0 || family.type !== 'histogram') continue;
      if (series.length === 0) empty.push(family.name);
      for (const s of series) {
        checked++;
        const bounds = new Set<number>();
        for (const sample of s.samples) {
          const le = sample.labels[LABELS.le];
          const bound = le === undefined ? undefined : parseFloatValue(le);
          if (bound !== undefined) bounds.add(bound);
        }
        const missing = required.filter((r) => !bounds.has(r));
        if (missing.length > 0) wrong.push(`${formatSeries(family.name, s.labels)}: no ${missing.map((m) => `le="${m}"`).join(', ')} bucket`);
      }
    }
    if (wrong.length > 0) {
      return fail(`${plural(wrong.length, 'histogram series', 'histogram series')} without the bucket bounds the alerts need (keep them when overriding buckets)`, wrong);
    }
    const note = empty.length > 0 ? `; no series yet for ${empty.join(', ')} (record one to check its buckets)` : '';
    return pass(`${plural(checked, 'histogram series', 'histogram series')} ${checked === 1 ? 'has' : 'have'} the required bucket bounds${note}`);
  },
};
