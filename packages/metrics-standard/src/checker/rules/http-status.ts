import { CONTRACT } from '../../definitions/index.js';
import { LABELS, OVERFLOW_VALUE } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

const THREE_DIGITS = /^[1-5]\d\d$/;
const HTTP_DEFINITIONS: readonly unknown[] = Object.values(CONTRACT.http);

/** HTTP `status` values are 3-digit status codes as strings. */
export const httpStatus: Rule = {
  id: 'http-status',
  description: 'status values of the HTTP metrics are 3-digit status codes (100-599), as strings.',
  check(ctx) {
    const bad = new Set<string>();
    for (const { definition, family } of ctx.contract) {
      if (!HTTP_DEFINITIONS.includes(definition) || !definition.labels.includes(LABELS.status)) continue;
      for (const s of family.samples) {
        const v = s.labels[LABELS.status];
        if (v !== undefined && !THREE_DIGITS.test(v) && v !== OVERFLOW_VALUE) bad.add(`${family.name}: ${JSON.stringify(v)}`);
      }
    }
    if (bad.size === 0) return pass(`HTTP ${LABELS.status} values are 3-digit codes`);
    return fail(`HTTP ${LABELS.status} values that are not 3-digit status codes`, bad);
  },
};
