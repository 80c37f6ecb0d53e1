import { CONTRACT } from '../../definitions/index.js';
import { LABELS, TASK_STATUS } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass, rejectedValues } from './types.js';

const ALLOWED: readonly string[] = Object.values(TASK_STATUS);
const WORKER_DEFINITIONS: readonly unknown[] = Object.values(CONTRACT.worker);

/** Worker `status` values are the contract's task outcomes. */
export const taskStatus: Rule = {
  id: 'task-status',
  description: `status values of the worker metrics are ${ALLOWED.join(' or ')}.`,
  check(ctx) {
    const bad = rejectedValues(ctx, LABELS.status, (v) => ALLOWED.includes(v), WORKER_DEFINITIONS);
    if (bad.size === 0) return pass(`task ${LABELS.status} values are ${ALLOWED.join('/')}`);
    return fail(`task ${LABELS.status} values outside ${ALLOWED.join(', ')}`, bad);
  },
};
