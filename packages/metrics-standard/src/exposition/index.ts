export { createMetricsHandler, type MetricsHandler } from './handler.js';
export { type ExpositionFormat, negotiateFormat, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './negotiate.js';
export {
  createScrapeGuard,
  normalizeAddress,
  PROTECTION_OPTION_KEYS,
  type ProtectionOptions,
  type ScrapeCheck,
  type ScrapeGuard,
  type ScrapeRequest,
} from './protection.js';
export { scrape, type ScrapeResult } from './scrape.js';
export { DEFAULT_METRICS_PORT, type ListenOptions, type MetricsServer, type MetricsServerOptions, startMetricsServer } from './server.js';
