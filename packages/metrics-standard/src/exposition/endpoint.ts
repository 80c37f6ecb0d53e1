import { optionalInteger } from '../validate.js';
import type { Warner } from '../warnings.js';
import { type ExpositionFormat, negotiateFormat } from './negotiate.js';
import type { ScrapeResult } from './scrape.js';

/** How a metrics endpoint bounds the work scrapes can cause. */
export interface ScrapeLimitOptions {
  /**
   * A rendered exposition is served again to scrapes arriving up to this many milliseconds after it
   * was rendered, and scrapes arriving while a render runs share it, so a flood of scrapes runs the
   * collectors about once per interval. Default `0`: every scrape sees current values, and only
   * scrapes arriving while a render runs share it (with a token or allowlist, only authorised
   * scrapes ever render). Set it (e.g. 1000) on an endpoint reachable by untrusted clients.
   */
  cacheMs?: number;
  /** Scrapes answered at the same time; past it a scrape gets 503 with `Retry-After: 1`. Default: 10. */
  maxConcurrentScrapes?: number;
}

/** The option names of {@link ScrapeLimitOptions}. */
export const SCRAPE_LIMIT_OPTION_KEYS = ['cacheMs', 'maxConcurrentScrapes'] as const;

/** Default of {@link ScrapeLimitOptions.cacheMs}. */
export const DEFAULT_SCRAPE_CACHE_MS = 0;
/** Default of {@link ScrapeLimitOptions.maxConcurrentScrapes}. */
export const DEFAULT_MAX_CONCURRENT_SCRAPES = 10;

type Rendered = Omit<ScrapeResult, 'format'>;

/** Renders scrapes with coalescing, a short cache and a cap on concurrent scrapes (the integrations serve their routes through it). */
export interface ScrapeLimiter {
  /** Take a slot for one scrape; `undefined` when all are taken (answer 503). Call the release exactly once when the response is over. */
  admit(): (() => void) | undefined;
  /** The exposition for this `Accept` header: the cached one, the one being rendered, or a new render. */
  render(accept: string | readonly string[] | undefined): Promise<Rendered>;
}

interface Entry {
  promise: Promise<Rendered>;
  /** When the render settled (ms, monotonic); undefined while it runs. */
  settledAt: number | undefined;
  /** The `stale` token the render started under. */
  epoch: unknown;
}

/**
 * Bound the cost of scrapes: at most one render per format in flight, shared by every scrape that
 * arrives meanwhile; its result reused for `cacheMs`; at most `maxConcurrentScrapes` responses at
 * once. `epoch()` returns a value that changes when a cached render must not be reused (e.g. the
 * service began shutting down: `service_up` changed). Validates its options (coded errors).
 */
export function createScrapeLimiter(
  renderFormat: (format: ExpositionFormat, accept: string | readonly string[] | undefined) => Promise<Rendered>,
  options: ScrapeLimitOptions,
  warner: Warner,
  epoch: () => unknown = () => undefined,
): ScrapeLimiter {
  const cacheMs = optionalInteger('cacheMs', options.cacheMs, DEFAULT_SCRAPE_CACHE_MS, 0, 60_000);
  const max = optionalInteger('maxConcurrentScrapes', options.maxConcurrentScrapes, DEFAULT_MAX_CONCURRENT_SCRAPES, 1, 10_000);
  const entries = new Map<ExpositionFormat, Entry>();
  let active = 0;

  return {
    admit() {
      if (active >= max) {
        warner.once('OBS_WARN_SCRAPE_REJECTED', 'scrape-cap', `more than ${max} scrapes at once; the extra ones were answered 503.`);
        return undefined;
      }
      active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        active--;
      };
    },
    render(accept) {
      const format = negotiateFormat(accept);
      const now = performance.now();
      const e = epoch();
      const cached = entries.get(format);
      if (cached !== undefined && cached.epoch === e && (cached.settledAt === undefined || now - cached.settledAt < cacheMs)) return cached.promise;
      const entry: Entry = { promise: renderFormat(format, accept), settledAt: undefined, epoch: e };
      entries.set(format, entry);
      entry.promise.then(
        () => {
          entry.settledAt = performance.now();
          if (cacheMs === 0 && entries.get(format) === entry) entries.delete(format);
        },
        () => {
          // A failed render is not reused: the next scrape tries again.
          if (entries.get(format) === entry) entries.delete(format);
        },
      );
      return entry.promise;
    },
  };
}
