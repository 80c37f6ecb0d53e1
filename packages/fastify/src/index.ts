import { obsFastify } from './plugin.js';

export { obsFastify, type ObsMetricsServer } from './plugin.js';
export type { MetricsRouteOptions, MetricsServerOptions, ObsFastifyOptions, ObsFastifyPluginOptions } from './options.js';
export default obsFastify;
