import type { Rule } from './types.js';
import { fail, pass, plural } from './types.js';

/** Each contract metric has the definition's `# TYPE`. */
export const metricTypes: Rule = {
  id: 'metric-types',
  description: 'Each contract metric is declared with the type of its definition (# TYPE counter, gauge or histogram).',
  check(ctx) {
    const wrong: string[] = [];
    for (const { definition, family } of ctx.contract) {
      if (family.type === definition.type) continue;
      const declared = family.typed ? family.type : `${family.type} (no # TYPE line)`;
      wrong.push(`${family.name}: ${declared}, the contract says ${definition.type}`);
    }
    if (wrong.length === 0) return pass(`${plural(ctx.contract.length, 'contract metric')} declared with the right type`);
    return fail(`${plural(wrong.length, 'metric')} with the wrong type`, wrong);
  },
};
