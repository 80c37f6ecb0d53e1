export {
  type ClosableServer,
  createObsExpress,
  type NextFunction,
  type ObsErrorHandler,
  type ObsExpress,
  type ObsMetricsHandler,
  type ObsRequestHandler,
} from './create.js';
export type { ExpressIntegrationOptions, MetricsOptions, ObsExpressOptions } from './options.js';
