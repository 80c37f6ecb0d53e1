export {
  createMetricsEndpoint,
  createMetricsHandler,
  METRICS_ENDPOINT_OPTION_KEYS,
  type MetricsEndpoint,
  type MetricsEndpointOptions,
  type MetricsHandler,
} from './handler.js';
export {
  DEFAULT_MAX_CONCURRENT_SCRAPES,
  DEFAULT_SCRAPE_CACHE_MS,
  SCRAPE_LIMIT_OPTION_KEYS,
  type ScrapeLimiter,
  type ScrapeLimitOptions,
} from './endpoint.js';
export { type ExpositionFormat, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './negotiate.js';
export {
  createScrapeGuard,
  isLoopback,
  normalizeAddress,
  PROTECTION_OPTION_KEYS,
  type ProtectionOptions,
  type ScrapeCheck,
  type ScrapeGuard,
  type ScrapeRequest,
  warnUnprotected,
} from './protection.js';
export { scrape, type ScrapeResult } from './scrape.js';
export { DEFAULT_METRICS_PORT, LISTEN_OPTION_KEYS, METRICS_SERVER_OPTION_KEYS, type ListenOptions, type MetricsServer, type MetricsServerOptions, startMetricsServer } from './server.js';
