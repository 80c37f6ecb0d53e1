import type { InstrumentContext } from '../instruments/instrument.js';

/** What a collector gets from the instance that owns it. */
export interface CollectorContext extends InstrumentContext {
  /** Root of the cgroup filesystem (default `/sys/fs/cgroup`). */
  cgroupRoot: string;
  /** The file naming this process's cgroups (default `/proc/self/cgroup`). */
  procSelfCgroup: string;
}

/** A collector registers its metrics; values are computed at scrape time. */
export interface Collector {
  readonly name: string;
  /** Release whatever the collector holds (listeners, observers). */
  stop?(): void;
}
