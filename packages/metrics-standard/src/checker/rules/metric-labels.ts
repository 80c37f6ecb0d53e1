import { LABELS } from '../../definitions/labels.js';
import { formatSeries } from '../context.js';
import type { Rule } from './types.js';
import { fail, pass, plural } from './types.js';

/** Every series of a contract metric has exactly the definition's labels (plus constant labels). */
export const metricLabels: Rule = {
  id: 'metric-labels',
  description:
    'Every series of a contract metric has exactly the label names of its definition, plus constant labels the service puts on every series (the service label is checked by service-label).',
  check(ctx) {
    const wrong: string[] = [];
    let bad = 0;
    for (const { definition, family, series } of ctx.contract) {
      const expected = definition.labels.filter((l) => l !== LABELS.service);
      for (const s of series) {
        const names = Object.keys(s.labels).filter((l) => l !== LABELS.service);
        const missing = expected.filter((l) => !names.includes(l));
        const extra = names.filter((l) => !expected.includes(l) && !ctx.constLabels.has(l));
        if (missing.length === 0 && extra.length === 0) continue;
        bad++;
        const what = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `unexpected ${extra.join(', ')}` : '']
          .filter(Boolean)
          .join('; ');
        wrong.push(`${formatSeries(family.name, s.labels)}: ${what} (contract: ${definition.labels.join(', ')})`);
      }
    }
    const constNote = ctx.constLabels.size > 0 ? ` (constant labels allowed: ${[...ctx.constLabels].join(', ')})` : '';
    if (bad === 0) return pass(`every contract series has the contract's label names${constNote}`);
    return fail(`${plural(bad, 'series', 'series')} with the wrong label set${constNote}`, wrong);
  },
};
