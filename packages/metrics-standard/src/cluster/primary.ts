import type { AggregatorRegistry, PrometheusContentType } from 'prom-client';
import { ObsError } from '../errors.js';
import { createScrapeLimiter } from '../exposition/endpoint.js';
import { METRICS_ENDPOINT_OPTION_KEYS, type MetricsEndpointOptions, type MetricsHandler, serveMetrics, splitEndpointOptions } from '../exposition/handler.js';
import { loadCluster } from '../lazy.js';
import { loadAggregatorRegistry } from '../prom.js';
import { PROMETHEUS_CONTENT_TYPE } from '../exposition/negotiate.js';
import { createScrapeGuard } from '../exposition/protection.js';
import { type ListenOptions, listenMetrics, type MetricsServer, splitServerOptions, warnIfReachable } from '../exposition/server.js';
import { rejectUnknownKeys } from '../validate.js';
import { Warner, type WarningHandler } from '../warnings.js';

/** Options of {@link createClusterMetricsHandler}. */
export interface ClusterMetricsOptions extends MetricsEndpointOptions {
  /** Receives each coded warning once (e.g. a worker that did not answer). Default: `process.emitWarning`. */
  onWarning?: WarningHandler;
}

/** Options of {@link startClusterMetricsServer}. */
export interface ClusterMetricsServerOptions extends ClusterMetricsOptions, ListenOptions {}

let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;

function checkPrimary(): void {
  if (!loadCluster().isPrimary) throw new ObsError('OBS_ERR_INVALID_OPTION', 'cluster', 'worker', 'the cluster metrics endpoint runs in the primary process; call clusterWorker(obs) in the workers');
}

function checkWarningHandler(onWarning: unknown): WarningHandler | undefined {
  if (onWarning !== undefined && typeof onWarning !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'onWarning', onWarning, 'expected a function');
  return onWarning as WarningHandler | undefined;
}

/**
 * A node:http `(req, res)` listener for the primary of a Node cluster (or PM2 cluster mode): each
 * scrape asks every worker for its metrics (the workers called {@link clusterWorker}) and answers
 * one aggregate with prom-client's `AggregatorRegistry`. Counters and histograms are summed
 * exactly; gauges combine as their definition's `aggregator` says (`service_up` takes the minimum,
 * in-flight gauges sum, `service_info` takes the first). Always Prometheus text 0.0.4. A worker
 * that does not answer within 5 s turns the scrape into a 500 and one warning.
 *
 * @example
 * if (cluster.isPrimary) {
 *   for (let i = 0; i < 2; i++) cluster.fork();
 *   http.createServer(createClusterMetricsHandler({ token: process.env.METRICS_TOKEN })).listen(9464);
 * }
 */
export function createClusterMetricsHandler(options: ClusterMetricsOptions = {}): MetricsHandler {
  return clusterEndpoint(options).handler;
}

function clusterEndpoint(options: ClusterMetricsOptions, where = 'the cluster metrics handler') {
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, [...METRICS_ENDPOINT_OPTION_KEYS, 'onWarning']);
  checkPrimary();
  const { onWarning, ...endpoint } = options;
  const warner = new Warner(checkWarningHandler(onWarning));
  const { protection, limits } = splitEndpointOptions(endpoint);
  const guard = createScrapeGuard(protection);
  aggregator ??= new (loadAggregatorRegistry())();
  const registry = aggregator;
  // Each render asks every worker over IPC: concurrent scrapes share one, as on a single process.
  const limiter = createScrapeLimiter(async () => ({ contentType: PROMETHEUS_CONTENT_TYPE, body: await registry.clusterMetrics() }), limits, warner);
  return { handler: serveMetrics(limiter, guard, warner, where), guard, warner };
}

/**
 * Serve the cluster-wide aggregate from the primary on its own host and port (see
 * {@link createClusterMetricsHandler}). Close it yourself when the primary shuts down.
 *
 * @example
 * if (cluster.isPrimary) {
 *   for (let i = 0; i < os.availableParallelism(); i++) cluster.fork();
 *   const metrics = await startClusterMetricsServer({ port: 9464 });
 * } else {
 *   const obs = createObs({ service: 'api' });
 *   clusterWorker(obs);
 * }
 */
export async function startClusterMetricsServer(options: ClusterMetricsServerOptions = {}): Promise<MetricsServer> {
  const { listen, rest } = splitServerOptions(options, ['onWarning']);
  const { handler, guard, warner } = clusterEndpoint(rest as ClusterMetricsOptions, 'the cluster metrics server');
  const running = await listenMetrics(handler, listen);
  warnIfReachable(guard, warner, listen.host, running.url);
  return running;
}
