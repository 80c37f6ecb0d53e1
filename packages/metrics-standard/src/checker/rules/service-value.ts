import { LABELS, SERVICE_NAME_PATTERN } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

/** The `service` values match SERVICE_NAME_PATTERN, and there is one per endpoint. */
export const serviceValue: Rule = {
  id: 'service-value',
  description: `The service label has one value per endpoint, matching ${SERVICE_NAME_PATTERN.source}.`,
  check(ctx) {
    const values = new Set<string>();
    for (const { family } of ctx.contract) {
      for (const sample of family.samples) {
        const v = sample.labels[LABELS.service];
        if (v) values.add(v);
      }
    }
    const invalid = [...values].filter((v) => !SERVICE_NAME_PATTERN.test(v));
    if (invalid.length > 0) {
      return fail(`${LABELS.service} value${invalid.length === 1 ? '' : 's'} not matching ${SERVICE_NAME_PATTERN.source}`, invalid.map((v) => JSON.stringify(v)));
    }
    if (values.size > 1) {
      return fail(`${values.size} ${LABELS.service} values on one endpoint: one process is one service`, [...values].map((v) => JSON.stringify(v)));
    }
    const [only] = values;
    return pass(only === undefined ? `no ${LABELS.service} values to check` : `${LABELS.service}=${JSON.stringify(only)}`);
  },
};
