import type { MetricDefinition } from '../../definitions/types.js';
import { findFamily } from '../context.js';
import type { Exposition } from '../exposition.js';
import type { Rule } from './types.js';
import { fail, pass } from './types.js';

const TOTAL = '_total';

/** Suffixes services commonly use instead of the contract's base units (unit vocabulary, not metric names). */
const OTHER_UNITS: Readonly<Record<string, readonly string[]>> = {
  seconds: ['ms', 'milliseconds', 'us', 'microseconds', 'ns', 'nanoseconds', 'sec', 'secs', 'minutes', 'hours'],
  bytes: ['kb', 'kilobytes', 'kib', 'mb', 'megabytes', 'mib', 'gb', 'gigabytes', 'gib', 'bits'],
};

/** The unit a definition spells in its name (`seconds` for `…_seconds`), if it does. */
export function unitInName(def: MetricDefinition): string | undefined {
  const stem = def.type === 'counter' && def.name.endsWith(TOTAL) ? def.name.slice(0, -TOTAL.length) : def.name;
  return stem.endsWith(`_${def.unit}`) ? def.unit : undefined;
}

/**
 * Families that look like the definition under another unit: `…_ms` for `…_seconds`, no unit at
 * all, or a counter without `_total` in the text format.
 */
export function unitNearMisses(exposition: Exposition, def: MetricDefinition): string[] {
  if (findFamily(exposition, def) !== undefined) return [];
  const counter = def.type === 'counter' && def.name.endsWith(TOTAL);
  const stem = counter ? def.name.slice(0, -TOTAL.length) : def.name;
  const candidates = new Set<string>();
  if (counter) {
    candidates.add(stem);
    candidates.add(`${stem}_count`);
  }
  const unit = unitInName(def);
  const others = unit === undefined ? undefined : OTHER_UNITS[unit];
  if (unit !== undefined && others !== undefined) {
    const base = stem.slice(0, -(unit.length + 1));
    const end = counter ? TOTAL : '';
    candidates.add(base + end);
    for (const other of others) candidates.add(`${base}_${other}${end}`);
  }
  return [...candidates].filter((name) => exposition.families.has(name));
}

/** Contract metrics carry the definition's unit in their name and `# UNIT`, and counters end in `_total`. */
export const metricUnits: Rule = {
  id: 'metric-units',
  description: 'Contract metrics use the base unit of their definition in the name (_seconds, _bytes; counters end in _total) and in any OpenMetrics # UNIT.',
  check(ctx) {
    const wrong: string[] = [];
    for (const group of ctx.requiredGroups) {
      for (const def of group.definitions) {
        for (const name of unitNearMisses(ctx.exposition, def)) wrong.push(`${name}: expose it as ${def.name} (unit: ${def.unit})`);
      }
    }
    for (const { definition, family } of ctx.contract) {
      const unit = unitInName(definition);
      if (family.unit !== undefined && family.unit !== '' && unit !== undefined && family.unit !== unit) {
        wrong.push(`${family.name}: # UNIT ${family.unit}, the contract says ${unit}`);
      }
    }
    if (wrong.length === 0) return pass('contract metrics are named in their base units');
    return fail(`${wrong.length} metric${wrong.length === 1 ? '' : 's'} in another unit or without the _total suffix`, wrong);
  },
};
