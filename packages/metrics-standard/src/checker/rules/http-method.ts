import { HTTP_METHODS, LABELS, OTHER_METHOD, OVERFLOW_VALUE } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

const ALLOWED: readonly string[] = [...HTTP_METHODS, OTHER_METHOD];

/** `method` values are standard upper-case methods or OTHER_METHOD. */
export const httpMethod: Rule = {
  id: 'http-method',
  description: `method values are one of ${ALLOWED.join(', ')}.`,
  check(ctx) {
    const bad = new Set<string>();
    for (const { definition, family } of ctx.contract) {
      if (!definition.labels.includes(LABELS.method)) continue;
      for (const s of family.samples) {
        const v = s.labels[LABELS.method];
        if (v !== undefined && !ALLOWED.includes(v) && v !== OVERFLOW_VALUE) bad.add(`${family.name}: ${JSON.stringify(v)}`);
      }
    }
    if (bad.size === 0) return pass(`${LABELS.method} values are standard methods or ${OTHER_METHOD}`);
    return fail(`${LABELS.method} values outside ${ALLOWED.join(', ')}: upper-case standard methods, record anything else as ${OTHER_METHOD}`, bad);
  },
};
