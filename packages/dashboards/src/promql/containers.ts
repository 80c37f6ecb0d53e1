/**
 * Container restarts as cAdvisor really shows them (read from google/cadvisor: the Docker handler,
 * container/docker/handler.go, and lib/metrics/prometheus.go). A Docker restart recreates the
 * container's cgroup, so cAdvisor builds a new handler for the same container id:
 * - every cAdvisor labels the new run with `container_label_restartcount="<n>"` (Docker's
 *   RestartCount, exported with the container labels, which is the default): each run is a NEW
 *   series of the same `id`, so `changes()` of any one series stays 0;
 * - from cAdvisor 0.60 `container_start_time_seconds` is the run's start (State.StartedAt; before,
 *   it was the creation time, which a restart does not change): without container labels
 *   (`--store_container_labels=false`) the one series' value moves on every restart.
 * Restarts in a window = (distinct series of one `id`) − 1 + changes of their start times. With an
 * older cAdvisor run with `--store_container_labels=false` nothing shows a restart. On Kubernetes
 * every restart is a new container `id`: kube-state-metrics' restart counter is the signal there
 * (PodCrashLooping, HighPodRestartRate, the Kubernetes dashboard).
 */
import { CADVISOR_METRICS } from '@obs/metrics-standard';
import { aggregate, eq, type Matchers, select, sumBy } from './index.js';

const start = CADVISOR_METRICS.startTimeSeconds;

/** Series of plain (non-Kubernetes) containers: cAdvisor's Kubernetes series carry `pod`. */
export const DOCKER_CONTAINER = eq('pod', '');

/** The labels one Docker container's runs share: its host (`instance`), `name` and `id`. */
export const CONTAINER_RUN_BY = ['instance', 'name', 'id'] as const;

/**
 * Restarts of each Docker container within `window`, by `instance`, `name`, `id`.
 *
 * @example
 * containerRestarts([re('name', '$container')], '15m')
 */
export function containerRestarts(m: Matchers, window: string): string {
  const runs = [...m, DOCKER_CONTAINER];
  const series = `${aggregate('count', CONTAINER_RUN_BY, `last_over_time(${select(start, runs)}[${window}])`)} - 1`;
  const moves = sumBy(CONTAINER_RUN_BY, `changes(${select(start, runs)}[${window}])`);
  return `(${series}) + ${moves}`;
}
