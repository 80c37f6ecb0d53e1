/**
 * Counts work in progress (requests, tasks) so that a graceful shutdown can wait for it to drain.
 */
export class WorkTracker {
  /** @internal */
  private active = 0;
  /** @internal */
  private waiters: Array<() => void> = [];

  /** Work currently in progress. */
  get size(): number {
    return this.active;
  }

  /** One unit of work started. */
  begin(): void {
    this.active++;
  }

  /** One unit of work finished. */
  end(): void {
    if (this.active > 0) this.active--;
    if (this.active === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves true when no work is in progress, or false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
