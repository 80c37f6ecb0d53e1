/**
 * Names of the recorded series (`level:metric:operations`, Prometheus's naming convention),
 * derived from the definitions so that no rule spells a metric name, plus the label-name guard
 * the rule builders use.
 */
import { HTTP_METRICS, LABELS, type MetricDefinition, WORKER_METRICS } from '@obs/metrics-standard';
import type { Series } from '../promql/index.js';

/** Returns `label` when the definition carries it; throws (a generator bug) otherwise. */
export function label(def: MetricDefinition, name: string): string {
  if (!def.labels.includes(name) && name !== LABELS.le) throw new TypeError(`${def.name} has no label ${name}`);
  return name;
}

const base = (def: MetricDefinition) => def.name.replace(/_total$/, '');

/** A recorded series: `level:metric:operations` (the level names the main label; `env`/`namespace` ride along). */
function recorded(level: readonly string[], metric: string, ops: string): Series {
  return { name: `${level.filter((l) => !(KEPT as readonly string[]).includes(l)).join('_')}:${metric}:${ops}`, type: 'gauge' };
}

/**
 * Labels every recorded series keeps besides its own (`service`, `queue`, `le`): the contract's
 * `env` constant label and the Kubernetes `namespace`, so that environments sharing one
 * Prometheus are never summed together. Absent labels cost nothing.
 */
export const KEPT = [LABELS.env, 'namespace'] as const;

/** The kept labels the test series of a scenario carry (from the equality selectors). */
export function keptLabels(extra: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(extra).filter(([k]) => (KEPT as readonly string[]).includes(k)));
}

const SVC = [LABELS.service, ...KEPT] as const;
const SVC_LE = [LABELS.service, ...KEPT, LABELS.le] as const;
const SVC_Q = [LABELS.service, ...KEPT, LABELS.queue] as const;
const SVC_Q_LE = [LABELS.service, ...KEPT, LABELS.queue, LABELS.le] as const;

/** The rate window of the recorded rates and of the threshold alerts. */
export const RATE_WINDOW = '5m';

/** SLO windows of the multi-window multi-burn-rate alerts (Google SRE workbook, ch. 5). */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
/** One SLO window. */
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Every recorded series the rule packs write, by role. Dashboards may select them too. */
export const RECORDED = {
  httpRequestsRate: { series: recorded(SVC, base(HTTP_METRICS.requestsTotal), `rate${RATE_WINDOW}`), by: SVC },
  http5xxRate: { series: recorded(SVC, `${base(HTTP_METRICS.requestsTotal)}_5xx`, `rate${RATE_WINDOW}`), by: SVC },
  httpDurationBucketRate: { series: recorded(SVC_LE, `${HTTP_METRICS.requestDuration.name}_bucket`, `rate${RATE_WINDOW}`), by: SVC_LE },
  workerTasksRate: { series: recorded(SVC_Q, base(WORKER_METRICS.tasksTotal), `rate${RATE_WINDOW}`), by: SVC_Q },
  workerFailuresRate: { series: recorded(SVC_Q, `${base(WORKER_METRICS.tasksTotal)}_failures`, `rate${RATE_WINDOW}`), by: SVC_Q },
  workerDurationBucketRate: { series: recorded(SVC_Q_LE, `${WORKER_METRICS.taskDuration.name}_bucket`, `rate${RATE_WINDOW}`), by: SVC_Q_LE },
} as const;

/** The labels of the SLO ratios. */
export const SLO_BY = SVC;

/** `service:http_requests_errors:ratio_rate<w>`: share of 5xx responses over a window. */
export function sloErrorRatio(window: SloWindow): Series {
  return recorded(SVC, `${base(HTTP_METRICS.requestsTotal)}_errors`, `ratio_rate${window}`);
}

/** `service:http_request_duration_seconds_slow:ratio_rate<w>`: share of requests slower than the SLO threshold. */
export function sloSlowRatio(window: SloWindow): Series {
  return recorded(SVC, `${HTTP_METRICS.requestDuration.name}_slow`, `ratio_rate${window}`);
}

/**
 * Every recorded series name the packs can write (for the dashboards' "every selected metric
 * exists" check and for panels that reuse them).
 *
 * @example
 * RECORDED_SERIES.map((s) => s.name).includes('service:http_requests:rate5m') // true
 */
export const RECORDED_SERIES: readonly Series[] = [
  ...Object.values(RECORDED).map((r) => r.series),
  ...SLO_WINDOWS.map(sloErrorRatio),
  ...SLO_WINDOWS.map(sloSlowRatio),
];
