import type { Rule } from './types.js';
import { fail, pass, plural } from './types.js';
import { unitNearMisses } from './metric-units.js';

/** Every non-optional metric of each required group is exposed (`service` always; `http`/`worker` by profile or detection). */
export const requiredMetrics: Rule = {
  id: 'required-metrics',
  description: 'Every required metric of the service group, and of the HTTP/worker groups when they apply, is exposed.',
  check(ctx) {
    const groups = ctx.requiredGroups.map((g) => g.id).join(', ');
    const missing: string[] = [];
    let required = 0;
    for (const group of ctx.requiredGroups) {
      for (const def of group.definitions) {
        if (def.optional) continue;
        required++;
        if (ctx.contract.some((c) => c.definition === def)) continue;
        // Exposed under another unit: metric-units names it and says what to rename.
        if (unitNearMisses(ctx.exposition, def).length > 0) continue;
        missing.push(`${def.name} (${def.type}, ${group.id} group)`);
      }
    }
    if (missing.length === 0) return pass(`all ${plural(required, 'required metric')} of the ${groups} groups are exposed`);
    return fail(
      `${plural(missing.length, 'required metric')} missing (groups required: ${groups}; the service group always, http/worker when any of their metrics is exposed or --profile names them)`,
      missing,
    );
  },
};
