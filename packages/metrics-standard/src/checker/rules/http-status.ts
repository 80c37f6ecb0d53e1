import { CONTRACT } from '../../definitions/index.js';
import { LABELS } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass, rejectedValues } from './types.js';

const THREE_DIGITS = /^[1-5]\d\d$/;
const HTTP_DEFINITIONS: readonly unknown[] = Object.values(CONTRACT.http);

/** HTTP `status` values are 3-digit status codes as strings. */
export const httpStatus: Rule = {
  id: 'http-status',
  description: 'status values of the HTTP metrics are 3-digit status codes (100-599), as strings.',
  check(ctx) {
    const bad = rejectedValues(ctx, LABELS.status, (v) => THREE_DIGITS.test(v), HTTP_DEFINITIONS);
    if (bad.size === 0) return pass(`HTTP ${LABELS.status} values are 3-digit codes`);
    return fail(`HTTP ${LABELS.status} values that are not 3-digit status codes`, bad);
  },
};
