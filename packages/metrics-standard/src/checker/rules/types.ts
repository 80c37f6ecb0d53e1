import { OVERFLOW_VALUE } from '../../definitions/labels.js';
import type { CheckContext } from '../context.js';

/** The verdict of one rule. */
export interface RuleResult {
  /** Stable rule id, e.g. `path-templates`. */
  readonly id: string;
  readonly ok: boolean;
  /** One line: what was checked, or what is wrong and how to fix it. */
  readonly message: string;
  /** Offending series or values, at most {@link MAX_EXAMPLES}. */
  readonly examples: readonly string[];
}

/** One contract rule the checker applies to a scrape. */
export interface Rule {
  readonly id: string;
  /** What the rule requires, in one sentence (README and `--help`). */
  readonly description: string;
  check(ctx: CheckContext): Omit<RuleResult, 'id'>;
}

/** How many offending examples a result lists. */
export const MAX_EXAMPLES = 10;

/** A passing verdict. */
export function pass(message: string): Omit<RuleResult, 'id'> {
  return { ok: true, message, examples: [] };
}

/** A failing verdict, examples de-duplicated and capped. */
export function fail(message: string, examples: Iterable<string> = []): Omit<RuleResult, 'id'> {
  return { ok: false, message, examples: [...new Set(examples)].slice(0, MAX_EXAMPLES) };
}

/** `1 metric` / `3 metrics`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * The values of `label` that `accept` rejects, as `family: "value"`, across the contract families whose
 * definition has the label (and is one of `among`, when given). `<overflow>` (the cap's collapse
 * value) is accepted everywhere.
 */
export function rejectedValues(ctx: CheckContext, label: string, accept: (value: string) => boolean, among?: readonly unknown[]): Set<string> {
  const bad = new Set<string>();
  for (const { definition, family } of ctx.contract) {
    if ((among && !among.includes(definition)) || !definition.labels.includes(label)) continue;
    for (const s of family.samples) {
      const v = s.labels[label];
      if (v !== undefined && v !== OVERFLOW_VALUE && !accept(v)) bad.add(`${family.name}: ${JSON.stringify(v)}`);
    }
  }
  return bad;
}
