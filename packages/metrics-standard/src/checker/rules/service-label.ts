import { LABELS } from '../../definitions/labels.js';
import { formatSeries } from '../context.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

/** Every contract series carries a non-empty `service` label. */
export const serviceLabel: Rule = {
  id: 'service-label',
  description: 'Every contract series carries the service label, the identity every dashboard and alert selects on.',
  check(ctx) {
    const without: string[] = [];
    let total = 0;
    for (const { family } of ctx.contract) {
      for (const sample of family.samples) {
        total++;
        if (!sample.labels[LABELS.service]) without.push(formatSeries(sample.name, sample.labels));
      }
    }
    if (without.length === 0) return pass(`all ${total} contract samples carry ${LABELS.service}`);
    return fail(`${without.length} of ${total} contract samples have no ${LABELS.service} label: set it on every series (createObs does; other clients: a default/const label)`, without);
  },
};
