import { HTTP_METHODS, LABELS, OTHER_METHOD } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass, rejectedValues } from './types.js';

const ALLOWED: readonly string[] = [...HTTP_METHODS, OTHER_METHOD];

/** `method` values are standard upper-case methods or OTHER_METHOD. */
export const httpMethod: Rule = {
  id: 'http-method',
  description: `method values are one of ${ALLOWED.join(', ')}.`,
  check(ctx) {
    const bad = rejectedValues(ctx, LABELS.method, (v) => ALLOWED.includes(v));
    if (bad.size === 0) return pass(`${LABELS.method} values are standard methods or ${OTHER_METHOD}`);
    return fail(`${LABELS.method} values outside ${ALLOWED.join(', ')}: upper-case standard methods, record anything else as ${OTHER_METHOD}`, bad);
  },
};
