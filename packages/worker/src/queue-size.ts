import type { ObsGauge, Warner, WORKER_METRICS } from '@obs/metrics-standard';

/** Job counts of one queue by state, e.g. `{ waiting: 12, delayed: 3, failed: 0 }`. */
export type QueueCounts = Readonly<Record<string, number>>;

/**
 * A queue-size source: returns the queue's job counts by state, synchronously or as a promise.
 * Called at scrape time, at most once at a time per source.
 */
export type QueueSizeSource = () => QueueCounts | Promise<QueueCounts>;

/** The `service_errors_total{type}` value counted once per scrape for each queue-size source that failed or timed out. */
export const QUEUE_SIZE_FAILED_ERROR_TYPE = 'queue_size_failed';

/** Default time a queue-size source may take at scrape time before its series are left out (ms). */
export const DEFAULT_QUEUE_SIZE_TIMEOUT_MS = 2000;

interface Entry {
  readonly queue: string;
  readonly source: QueueSizeSource;
  /** The states currently exposed for this queue. */
  states: Set<string>;
  /** A call still running (even past a timeout): the next scrape waits on it instead of calling again. */
  pending: Promise<QueueCounts> | undefined;
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Samples every registered queue-size source at scrape time into `worker_queue_size{queue,state}`:
 * all sources concurrently, each bounded by the timeout; a source that throws, rejects or times out
 * has its series removed for that scrape, counts `service_errors_total{type="queue_size_failed"}`
 * and warns once (OBS_WARN_QUEUE_SIZE_FAILED). The others are unaffected.
 */
export class QueueSizeSampler {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly gauge: () => ObsGauge<typeof WORKER_METRICS.queueSize>,
    private readonly timeoutMs: number,
    private readonly warner: Warner,
    private readonly recordFailure: () => void,
  ) {}

  has(queue: string): boolean {
    return this.entries.has(queue);
  }

  add(queue: string, source: QueueSizeSource): () => void {
    const entry: Entry = { queue, source, states: new Set(), pending: undefined };
    this.entries.set(queue, entry);
    return () => {
      if (this.entries.get(queue) !== entry) return;
      this.entries.delete(queue);
      this.clear(entry);
    };
  }

  /** The gauge's `collect`: never rejects, never waits longer than the timeout (plus scheduling). */
  collect = async (): Promise<void> => {
    const entries = [...this.entries.values()];
    if (entries.length === 0) return;
    await Promise.allSettled(entries.map((e) => this.sample(e)));
  };

  private call(entry: Entry): Promise<QueueCounts> {
    if (entry.pending) return entry.pending;
    const p = Promise.resolve()
      .then(() => entry.source())
      .finally(() => {
        if (entry.pending === p) entry.pending = undefined;
      });
    entry.pending = p;
    return p;
  }

  private async sample(entry: Entry): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const counts = await Promise.race([
        this.call(entry),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError(this.timeoutMs)), this.timeoutMs);
          timer.unref();
        }),
      ]);
      if (this.entries.get(entry.queue) !== entry) return; // unregistered meanwhile
      if (counts === null || typeof counts !== 'object') throw new TypeError(`expected an object of counts, got ${counts === null ? 'null' : typeof counts}`);
      const gauge = this.gauge();
      const seen = new Set<string>();
      for (const [state, value] of Object.entries(counts)) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
        gauge.set({ queue: entry.queue, state }, value);
        seen.add(state);
      }
      for (const state of entry.states) if (!seen.has(state)) gauge.remove({ queue: entry.queue, state });
      entry.states = seen;
    } catch (err) {
      this.clear(entry);
      this.recordFailure();
      this.warner.once(
        'OBS_WARN_QUEUE_SIZE_FAILED',
        entry.queue,
        `the queue-size source of queue "${entry.queue}" failed: ${err instanceof Error ? err.message : String(err)}.`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private clear(entry: Entry): void {
    const gauge = this.gauge();
    for (const state of entry.states) gauge.remove({ queue: entry.queue, state });
    entry.states = new Set();
  }
}
