import type { Registry } from 'prom-client';
import { loadCluster } from '../lazy.js';
import { loadAggregatorRegistry } from '../prom.js';
import type { Obs } from '../obs.js';

// prom-client answers the primary's requests from one module-wide list of registries; this keeps
// it to the private registries of the instances joined here (never the global registry).
const joined: Registry[] = [];

/**
 * Make the metrics of `obs` part of the cluster-wide aggregate served by the primary
 * ({@link startClusterMetricsServer}). Call it once in every worker (Node `cluster`, PM2 cluster
 * mode). Returns false, doing nothing, when this process is not a cluster worker.
 *
 * @example
 * if (cluster.isWorker) { const obs = createObs({ service: 'api' }); clusterWorker(obs); }
 */
export function clusterWorker(obs: Obs): boolean {
  if (!loadCluster().isWorker) return false;
  if (!joined.includes(obs.registry)) joined.push(obs.registry);
  const AggregatorRegistry = loadAggregatorRegistry();
  AggregatorRegistry.setRegistries(joined);
  // The constructor installs prom-client's (idempotent) listener for the primary's requests.
  new AggregatorRegistry();
  return true;
}
