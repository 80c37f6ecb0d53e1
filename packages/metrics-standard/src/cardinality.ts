import { OVERFLOW_VALUE } from './definitions/labels.js';
import type { Warner } from './warnings.js';

/** Default cap of distinct label sets per metric. */
export const DEFAULT_MAX_SERIES_PER_METRIC = 2000;

/**
 * A cap on distinct label sets for one metric. Each new label set asks `admit()`; past the cap the
 * caller records under {@link OVERFLOW_VALUE} instead, and one coded warning is emitted.
 */
export class SeriesGuard {
  /** @internal */
  private count = 0;

  constructor(
    readonly metric: string,
    readonly cap: number,
    /** @internal */
    private readonly warner: Warner,
  ) {}

  /** Distinct label sets admitted so far. */
  get size(): number {
    return this.count;
  }

  /** True when one more label set may be created. */
  admit(): boolean {
    if (this.count < this.cap) {
      this.count++;
      return true;
    }
    this.warner.once(
      'OBS_WARN_CARDINALITY_CAP',
      this.metric,
      `${this.metric} reached ${this.cap} distinct label sets; further ones are recorded as "${OVERFLOW_VALUE}".`,
    );
    return false;
  }

  /** Forget every admitted label set (after the metric was reset). */
  reset(): void {
    this.count = 0;
  }
}
