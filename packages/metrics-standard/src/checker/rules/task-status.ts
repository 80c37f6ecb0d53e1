import { CONTRACT } from '../../definitions/index.js';
import { LABELS, OVERFLOW_VALUE, TASK_STATUS } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

const ALLOWED: readonly string[] = Object.values(TASK_STATUS);
const WORKER_DEFINITIONS: readonly unknown[] = Object.values(CONTRACT.worker);

/** Worker `status` values are the contract's task outcomes. */
export const taskStatus: Rule = {
  id: 'task-status',
  description: `status values of the worker metrics are ${ALLOWED.join(' or ')}.`,
  check(ctx) {
    const bad = new Set<string>();
    for (const { definition, family } of ctx.contract) {
      if (!WORKER_DEFINITIONS.includes(definition) || !definition.labels.includes(LABELS.status)) continue;
      for (const s of family.samples) {
        const v = s.labels[LABELS.status];
        if (v !== undefined && !ALLOWED.includes(v) && v !== OVERFLOW_VALUE) bad.add(`${family.name}: ${JSON.stringify(v)}`);
      }
    }
    if (bad.size === 0) return pass(`task ${LABELS.status} values are ${ALLOWED.join('/')}`);
    return fail(`task ${LABELS.status} values outside ${ALLOWED.join(', ')}`, bad);
  },
};
