/**
 * The alert catalogue (CONTRACT.md + SEEDS.md): for each alert its defaults, its expression
 * (built from the definitions through the shared PromQL builders), and the two scenarios its
 * promtool unit tests replay — one that must fire, one that must stay quiet.
 */
import {
  CADVISOR_METRICS,
  HTTP_METRICS,
  KUBE_STATE_METRICS,
  LABELS,
  type MetricDefinition,
  NODE_EXPORTER_METRICS,
  POSTGRES_EXPORTER_METRICS,
  PROMETHEUS_METRICS,
  QUEUE_STATES,
  RABBITMQ_METRICS,
  REDIS_EXPORTER_METRICS,
  RESOURCE_METRICS,
  SERVICE_METRICS,
  TASK_STATUS,
  WORKER_METRICS,
} from '@obs/metrics-standard';
import { PSEUDO_FILESYSTEMS } from '../dashboards/host.js';
import { podsSucceeded, queueDepth } from '../dashboards/queries.js';
import { type Matchers, ne, nre, eq, rate, increase, select, selector, sumBy, aggregate, bucket, re } from '../promql/index.js';
import { containerRestarts } from '../promql/containers.js';
import type { ValueFormat } from './format.js';
import { KEPT, keptLabels, label, RATE_WINDOW, RECORDED } from './series.js';

/** The alert packs (one rule file each). */
export type PackName = 'service' | 'api' | 'worker' | 'host' | 'containers' | 'kubernetes' | 'datastores';
/** Every pack, in file order. */
export const PACKS: readonly PackName[] = ['service', 'api', 'worker', 'host', 'containers', 'kubernetes', 'datastores'];
/** Alert severities: `critical` pages, `warning` goes to the team channel. */
export type Severity = 'critical' | 'warning';

/** What the builders pass to an alert's expression and scenarios. */
export interface RuleContext {
  /** The (possibly overridden) threshold. */
  readonly threshold: number;
  /** The (possibly overridden) minimum-traffic guard, per second. */
  readonly minRate: number;
  /** Extra matchers per family, from `selectors`. */
  readonly sel: { readonly service: Matchers; readonly host: Matchers; readonly kubernetes: Matchers };
  /** Labels the test series carry so that the extra matchers select them (equality matchers only). */
  readonly extra: { readonly service: Record<string, string>; readonly host: Record<string, string>; readonly kubernetes: Record<string, string> };
}

/** One input series of a promtool test. */
export interface TestSeries {
  readonly metric: string;
  readonly labels: Record<string, string>;
  /** `{ slope }`: a counter from 0 rising by `slope` per sample; `{ value }`: a constant gauge; `{ values }`: explicit. */
  readonly data: { slope: number } | { value: number } | { values: (samples: number) => string };
}

/** A test scenario: its input, and (for a firing one) the alert it must produce. */
export interface Scenario {
  readonly series: readonly TestSeries[];
  /** Labels the alert carries from its expression. */
  readonly labels: Record<string, string>;
  /** `$value` at the check time. */
  readonly value: number;
  /** First evaluation (seconds) at which the expression is true. */
  readonly activeFrom: number;
  /** Seconds after which `value` holds (windows full). */
  readonly steadyAt: number;
  /** Sample interval (seconds), default 60. */
  readonly interval?: number;
  /** A note for the test group name. */
  readonly note?: string;
}

/** One alert of the catalogue. */
export interface AlertSpec {
  readonly name: string;
  readonly pack: PackName;
  readonly severity: Severity;
  readonly for: string;
  /** Default threshold; absent for alerts without one (target down, condition true). */
  readonly threshold?: number;
  /** Unit of the threshold, for the description. */
  readonly format: ValueFormat;
  /** Default minimum-traffic guard (per second), for ratio alerts. */
  readonly minRate?: number;
  /** Allowed threshold range [min, max). */
  readonly range?: readonly [number, number];
  readonly summary: string;
  /** Description template; `{{ threshold }}` is replaced at build time. */
  readonly description: string;
  expr(x: RuleContext): string;
  fire(x: RuleContext): readonly Scenario[];
  quiet(x: RuleContext): Scenario;
}

// ---------------------------------------------------------------------------------------------
// Test identities and small helpers.

const SVC = { service: 'checkout', job: 'checkout', instance: '10.0.0.1:3000' } as const;
const NODE = { job: 'node', instance: '10.0.0.1:9100' } as const;
const CONTAINER = { instance: '10.0.0.1:8080', id: '/docker/0123abcd', name: 'checkout', image: 'ghcr.io/acme/checkout:1.4.2' } as const;
const POD = { namespace: 'shop', pod: 'checkout-7d9f-x2', uid: 'c0ffee', container: 'checkout' } as const;

const S = LABELS.service;
const up = PROMETHEUS_METRICS.up;
const JOB = label(up, 'job');
const INSTANCE = label(up, 'instance');

/** A fraction clearly above a ratio threshold (midpoint to 1, or twice it). */
const above = (t: number) => (t < 0.5 ? t * 2 : (1 + t) / 2);
/** A count clearly above a count threshold. */
const aboveCount = (t: number) => (t <= 0 ? 1 : t * 2);

function s(def: { name: string }, labels: Record<string, string>, data: TestSeries['data']): TestSeries {
  return { metric: def.name, labels, data };
}

const lastOverTime = (series: MetricDefinition, m: Matchers) => `last_over_time(${selector(series, m)}[1d])`;

/** `up == 0` for targets that exposed `marker` within a day, carrying the marker's `service`. */
function targetDownWithService(marker: MetricDefinition, m: Matchers): string {
  return `(${select(up)} == 0) * on (${JOB}, ${INSTANCE}) group_left (${S}) group by (${JOB}, ${INSTANCE}, ${S}) (${lastOverTime(marker, m)})`;
}
/** `up == 0` for targets that exposed `marker` within a day. */
function targetDown(marker: MetricDefinition, m: Matchers): string {
  return `max by (${JOB}, ${INSTANCE}) ((${select(up)} == 0) and on (${JOB}, ${INSTANCE}) ${lastOverTime(marker, m)})`;
}
/** Scenario: a target whose scrapes fail from the third sample on. */
function downScenario(marker: MetricDefinition, ident: Record<string, string>, markerLabels: Record<string, string>, labels: Record<string, string>): Scenario {
  const upLabels = { [JOB]: ident.job ?? '', [INSTANCE]: ident.instance ?? '' };
  return {
    series: [
      s(up, upLabels, { values: (n) => `1 1 0x${n - 2}` }),
      s(marker, markerLabels, { values: (n) => `1 1 _x${n - 2}` }),
    ],
    labels,
    value: 0,
    activeFrom: 120,
    steadyAt: 120,
  };
}
function upScenario(marker: MetricDefinition, ident: Record<string, string>, markerLabels: Record<string, string>, labels: Record<string, string>): Scenario {
  return {
    series: [s(up, { [JOB]: ident.job ?? '', [INSTANCE]: ident.instance ?? '' }, { value: 1 }), s(marker, markerLabels, { value: 1 })],
    labels,
    value: 1,
    activeFrom: 0,
    steadyAt: 0,
  };
}

/** Histogram scenario: every observation in one bucket (lo, hi]; p95 = lo + (hi - lo) * 0.95. */
function histogramScenario(
  def: MetricDefinition,
  labels: Record<string, string>,
  lo: number,
  hi: number,
  perMinute: number,
): { series: TestSeries[]; value: number } {
  const bounds = def.buckets ?? [];
  const series = [...bounds.map(String), '+Inf'].map((le, i) =>
    s(bucket(def), { ...labels, le }, { slope: i < bounds.length && (bounds[i] as number) < hi ? 0 : perMinute }),
  );
  return { series, value: lo + (hi - lo) * 0.95 };
}
/** The bucket bounds (lo, hi] of a p95 clearly above (or below) a threshold. */
function bucketAround(def: MetricDefinition, t: number, side: 'above' | 'below'): [number, number] {
  const b = def.buckets ?? [];
  if (side === 'above') {
    const i = b.findIndex((x) => x >= t);
    return [b[i] as number, b[i + 1] as number];
  }
  let i = -1;
  b.forEach((x, j) => {
    if (x <= t) i = j;
  });
  return [i > 0 ? (b[i - 1] as number) : 0, b[i] as number];
}

// ---------------------------------------------------------------------------------------------
// service pack

const marker = WORKER_METRICS.tasksInProgress;

/**
 * `up == 0` of every target that carries a `service` target label (the generated scrape configs
 * set it; a hand-written one must, see docs/decisions/0052-rules-service-target-label.md), so a
 * service that crashes at boot — it never served /metrics — is down from the first failed scrape,
 * and stays down for as long as the target is configured.
 */
function serviceTargetDown(x: RuleContext): string {
  return `max by (${S}, ${JOB}, ${INSTANCE}) (${select(up, [...x.sel.service, ne(S, '')])} == 0)`;
}
/** The `up` series of a service target (its `service` target label, and the selector labels). */
function serviceUp(x: RuleContext, ident: Record<string, string>, values: TestSeries['data']): TestSeries {
  return s(up, { job: ident.job ?? '', instance: ident.instance ?? '', service: ident.service ?? '', ...x.extra.service }, values);
}

const serviceDown: AlertSpec = {
  name: 'ServiceDown',
  pack: 'service',
  severity: 'critical',
  for: '2m',
  format: 'none',
  summary: 'Service {{ $labels.service }} is down',
  description:
    '{{ $labels.service }} on {{ $labels.instance }} is not serving: its scrape target fails (crashed, never started, unreachable) or service_up is 0 (graceful shutdown without a replacement).',
  // Workers seen within a day are WorkerDown's (one page, not two); a worker that never came up,
  // or is still down after a day, is reported here.
  expr: (x) =>
    `(${serviceTargetDown(x)} or max by (${S}, ${JOB}, ${INSTANCE}) (${select(SERVICE_METRICS.up, x.sel.service)} == 0)) unless on (${JOB}, ${INSTANCE}) group by (${JOB}, ${INSTANCE}) (${lastOverTime(marker, x.sel.service)})`,
  fire: (x) => [
    {
      series: [serviceUp(x, SVC, { values: (n) => `1 1 0x${n - 2}` }), s(SERVICE_METRICS.up, { ...SVC, ...x.extra.service }, { values: (n) => `1 1 _x${n - 2}` })],
      labels: { ...SVC },
      value: 0,
      activeFrom: 120,
      steadyAt: 120,
      note: 'scrape target down',
    },
    // A deploy that exits at boot: `up` is 0 from the first scrape and the target exposes nothing.
    { series: [serviceUp(x, SVC, { value: 0 })], labels: { ...SVC }, value: 0, activeFrom: 0, steadyAt: 0, note: 'crashed at boot, never served /metrics' },
    // Still firing after 30 hours (the day-long lookback of the old rule let it resolve at 24 h).
    {
      series: [serviceUp(x, SVC, { values: (n) => `1 1 0x${n - 2}` }), s(SERVICE_METRICS.up, { ...SVC, ...x.extra.service }, { values: (n) => `1 1 _x${n - 2}` })],
      labels: { ...SVC },
      value: 0,
      activeFrom: 600,
      steadyAt: 30 * 3600,
      interval: 300,
      note: 'a 30-hour outage',
    },
    {
      series: [serviceUp(x, SVC, { value: 1 }), s(SERVICE_METRICS.up, { ...SVC, ...x.extra.service }, { value: 0 })],
      labels: { ...SVC },
      value: 0,
      activeFrom: 0,
      steadyAt: 0,
      note: 'service_up is 0',
    },
  ],
  quiet: (x) => ({
    series: [serviceUp(x, SVC, { value: 1 }), s(SERVICE_METRICS.up, { ...SVC, ...x.extra.service }, { value: 1 })],
    labels: { ...SVC },
    value: 1,
    activeFrom: 0,
    steadyAt: 0,
  }),
};

const highErrorLogRate: AlertSpec = {
  name: 'HighErrorLogRate',
  pack: 'service',
  severity: 'warning',
  for: '5m',
  threshold: 0.5,
  format: 'number',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Error burst in {{ $labels.service }}',
  description: '{{ $labels.service }} records {{ $value | humanize }} errors/s over 5m (service_errors_total; threshold {{ threshold }}/s).',
  expr: (x) => `${sumBy([S], rate(SERVICE_METRICS.errorsTotal, x.sel.service, RATE_WINDOW))} > ${x.threshold}`,
  // The first minute already shows slope/300 > threshold, so the alert is active from 60 s.
  fire: (x) => {
    const slope = Math.max(x.threshold * 600, 6);
    return [{ series: [s(SERVICE_METRICS.errorsTotal, { ...SVC, ...x.extra.service, type: 'logged_error' }, { slope })], labels: { service: SVC.service }, value: slope / 60, activeFrom: 60, steadyAt: 300 }];
  },
  quiet: (x) => ({ series: [s(SERVICE_METRICS.errorsTotal, { ...SVC, ...x.extra.service, type: 'logged_error' }, { slope: x.threshold * 30 })], labels: { service: SVC.service }, value: x.threshold / 2, activeFrom: 60, steadyAt: 300 }),
};

// ---------------------------------------------------------------------------------------------
// api pack

const R = RECORDED;

function httpTraffic(x: RuleContext, perMinute: number, errorShare: number): TestSeries[] {
  const l = { ...SVC, ...x.extra.service, method: 'GET', path: '/api/orders' };
  return [
    s(HTTP_METRICS.requestsTotal, { ...l, status: '500' }, { slope: perMinute * errorShare }),
    s(HTTP_METRICS.requestsTotal, { ...l, status: '200' }, { slope: perMinute * (1 - errorShare) }),
  ];
}
const trafficPerMinute = (x: RuleContext) => Math.max(600, Math.ceil(x.minRate * 600));

const highApiErrorRate: AlertSpec = {
  name: 'HighAPIErrorRate',
  pack: 'api',
  severity: 'critical',
  for: '5m',
  threshold: 0.05,
  minRate: 0.1,
  format: 'percent',
  range: [0, 1],
  summary: 'High 5xx error rate on {{ $labels.service }}',
  description: '{{ $value | humanizePercentage }} of requests to {{ $labels.service }} failed with 5xx over 5m (threshold {{ threshold }}).',
  expr: (x) =>
    `(${select(R.http5xxRate.series)} / ${select(R.httpRequestsRate.series)} > ${x.threshold}) and (${select(R.httpRequestsRate.series)} > ${x.minRate})`,
  fire: (x) => [{ series: httpTraffic(x, trafficPerMinute(x), above(x.threshold)), labels: { service: SVC.service, ...keptLabels(x.extra.service) }, value: above(x.threshold), activeFrom: 60, steadyAt: 60 }],
  quiet: (x) => ({ series: httpTraffic(x, trafficPerMinute(x), x.threshold / 2), labels: { service: SVC.service }, value: x.threshold / 2, activeFrom: 60, steadyAt: 60 }),
};

function latencyScenario(x: RuleContext, side: 'above' | 'below'): Scenario {
  const def = HTTP_METRICS.requestDuration;
  const [lo, hi] = bucketAround(def, x.threshold, side);
  const n = trafficPerMinute(x);
  const l = { ...SVC, ...x.extra.service, method: 'GET', path: '/api/orders' };
  const h = histogramScenario(def, l, lo, hi, n);
  return { series: [...h.series, ...httpTraffic(x, n, 0)], labels: { service: SVC.service, ...keptLabels(x.extra.service) }, value: h.value, activeFrom: 60, steadyAt: 60 };
}

const highApiLatency: AlertSpec = {
  name: 'HighAPILatency',
  pack: 'api',
  severity: 'warning',
  for: '5m',
  threshold: 1,
  minRate: 0.1,
  format: 'duration',
  range: [HTTP_METRICS.requestDuration.buckets[0], HTTP_METRICS.requestDuration.buckets.at(-1) as number],
  summary: 'High p95 latency on {{ $labels.service }}',
  description: 'p95 latency of {{ $labels.service }} is {{ $value | humanizeDuration }} over 5m (threshold {{ threshold }}).',
  expr: (x) =>
    `(histogram_quantile(0.95, ${select(R.httpDurationBucketRate.series)}) > ${x.threshold}) and (${select(R.httpRequestsRate.series)} > ${x.minRate})`,
  fire: (x) => [latencyScenario(x, 'above')],
  quiet: (x) => latencyScenario(x, 'below'),
};

/** The target label that names the machine a target runs on (set it when addresses differ, e.g. `checkout-api:3000`). */
export const HOST = 'host';
/**
 * A series keyed by its machine: its `host` target label when the scrape config sets one (the
 * generated prometheus.yml does), else the host part of `instance` (`10.0.0.1:3000` → `10.0.0.1`).
 */
function hostKeyed(def: MetricDefinition, m: Matchers): string {
  return `(${select(def, [...m, ne(HOST, '')])} or label_replace(${select(def, [...m, eq(HOST, '')])}, "${HOST}", "$1", "${INSTANCE}", "(.+):[0-9]+"))`;
}

const highApiCpu: AlertSpec = {
  name: 'HighAPICPUUsage',
  pack: 'api',
  severity: 'warning',
  for: '10m',
  threshold: 0.8,
  format: 'percent',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'High CPU usage on {{ $labels.service }}',
  description:
    '{{ $labels.service }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its CPU limit (one core when no cgroup limit is set) (threshold {{ threshold }}).',
  expr: (x) => {
    const usage = select(RESOURCE_METRICS.cpuUsagePercent, x.sel.service);
    return `max by (${S}, ${INSTANCE}) ((${usage} / 100) / (${select(RESOURCE_METRICS.cpuLimitCores, x.sel.service)} or (${usage} * 0 + 1))) > ${x.threshold}`;
  },
  fire: (x) => {
    const l = { ...SVC, ...x.extra.service };
    const f = above(x.threshold);
    return [
      { series: [s(RESOURCE_METRICS.cpuUsagePercent, l, { value: f * 200 }), s(RESOURCE_METRICS.cpuLimitCores, l, { value: 2 })], labels: { service: SVC.service, instance: SVC.instance }, value: f, activeFrom: 0, steadyAt: 0, note: 'against a 2-core limit' },
      { series: [s(RESOURCE_METRICS.cpuUsagePercent, l, { value: f * 100 })], labels: { service: SVC.service, instance: SVC.instance }, value: f, activeFrom: 0, steadyAt: 0, note: 'no limit: one core' },
    ];
  },
  quiet: (x) => {
    const l = { ...SVC, ...x.extra.service };
    // 1.5 cores used of a 2-core limit at a 0.8 threshold (x / 2 * 200): above one core, below the limit.
    return { series: [s(RESOURCE_METRICS.cpuUsagePercent, l, { value: x.threshold * 100 }), s(RESOURCE_METRICS.cpuLimitCores, l, { value: 2 })], labels: {}, value: x.threshold / 2, activeFrom: 0, steadyAt: 0 };
  },
};

const highApiMemory: AlertSpec = {
  name: 'HighAPIMemoryUsage',
  pack: 'api',
  severity: 'warning',
  for: '10m',
  threshold: 0.9,
  format: 'percent',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'High memory usage on {{ $labels.service }}',
  description:
    '{{ $labels.service }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory limit (of the host memory when no cgroup limit is set) (threshold {{ threshold }}).',
  expr: (x) => {
    const usage = select(RESOURCE_METRICS.memoryUsageBytes, x.sel.service);
    const limit = select(RESOURCE_METRICS.memoryLimitBytes, x.sel.service);
    const unlimited = `(${hostKeyed(RESOURCE_METRICS.memoryUsageBytes, x.sel.service)} unless on (${S}, ${INSTANCE}) ${limit})`;
    const hostTotal = `max by (${HOST}) (${hostKeyed(NODE_EXPORTER_METRICS.memoryMemTotalBytes, x.sel.host)})`;
    return `max by (${S}, ${INSTANCE}) ((${usage} / ${limit}) or (${unlimited} / on (${HOST}) group_left () ${hostTotal})) > ${x.threshold}`;
  },
  fire: (x) => {
    const l = { ...SVC, ...x.extra.service };
    const f = above(x.threshold);
    return [
      { series: [s(RESOURCE_METRICS.memoryUsageBytes, l, { value: f * 1e9 }), s(RESOURCE_METRICS.memoryLimitBytes, l, { value: 1e9 })], labels: { service: SVC.service, instance: SVC.instance }, value: f, activeFrom: 0, steadyAt: 0, note: 'against the cgroup limit' },
      { series: [s(RESOURCE_METRICS.memoryUsageBytes, l, { value: f * 8e9 }), s(NODE_EXPORTER_METRICS.memoryMemTotalBytes, { ...NODE, ...x.extra.host }, { value: 8e9 })], labels: { service: SVC.service, instance: SVC.instance }, value: f, activeFrom: 0, steadyAt: 0, note: 'no limit: host memory' },
      // The shipped prometheus.yml: `checkout-api:3000` and `node-exporter:9100`, one `host` label.
      {
        series: [
          s(RESOURCE_METRICS.memoryUsageBytes, { ...l, instance: 'checkout-api:3000', host: 'app-host-1' }, { value: f * 8e9 }),
          s(NODE_EXPORTER_METRICS.memoryMemTotalBytes, { ...NODE, ...x.extra.host, instance: 'node-exporter:9100', host: 'app-host-1' }, { value: 8e9 }),
          s(NODE_EXPORTER_METRICS.memoryMemTotalBytes, { ...NODE, ...x.extra.host, instance: 'node-exporter-2:9100', host: 'app-host-2' }, { value: 64e9 }),
        ],
        labels: { service: SVC.service, instance: 'checkout-api:3000' },
        value: f,
        activeFrom: 0,
        steadyAt: 0,
        note: 'no limit: host memory through the host target label',
      },
    ];
  },
  quiet: (x) => {
    const l = { ...SVC, ...x.extra.service };
    return { series: [s(RESOURCE_METRICS.memoryUsageBytes, l, { value: (x.threshold / 2) * 1e9 }), s(RESOURCE_METRICS.memoryLimitBytes, l, { value: 1e9 })], labels: {}, value: x.threshold / 2, activeFrom: 0, steadyAt: 0 };
  },
};

// ---------------------------------------------------------------------------------------------
// worker pack

function workerTraffic(x: RuleContext, perMinute: number, failShare: number): TestSeries[] {
  const l = { ...SVC, ...x.extra.service, queue: 'emails', task: 'send' };
  return [
    s(WORKER_METRICS.tasksTotal, { ...l, status: TASK_STATUS.failure }, { slope: perMinute * failShare }),
    s(WORKER_METRICS.tasksTotal, { ...l, status: TASK_STATUS.success }, { slope: perMinute * (1 - failShare) }),
  ];
}
const QL = { service: SVC.service, queue: 'emails' };
const tasksPerMinute = (x: RuleContext) => Math.max(60, Math.ceil(x.minRate * 600));

const highWorkerFailure: AlertSpec = {
  name: 'HighWorkerTaskFailureRate',
  pack: 'worker',
  severity: 'critical',
  for: '5m',
  threshold: 0.1,
  minRate: 0.01,
  format: 'percent',
  range: [0, 1],
  summary: 'Tasks failing on {{ $labels.service }}/{{ $labels.queue }}',
  description: '{{ $value | humanizePercentage }} of {{ $labels.queue }} tasks of {{ $labels.service }} failed over 5m (threshold {{ threshold }}).',
  expr: (x) =>
    `(${select(R.workerFailuresRate.series)} / ${select(R.workerTasksRate.series)} > ${x.threshold}) and (${select(R.workerTasksRate.series)} > ${x.minRate})`,
  fire: (x) => [{ series: workerTraffic(x, tasksPerMinute(x), above(x.threshold)), labels: { ...QL, ...keptLabels(x.extra.service) }, value: above(x.threshold), activeFrom: 60, steadyAt: 60 }],
  quiet: (x) => ({ series: workerTraffic(x, tasksPerMinute(x), x.threshold / 2), labels: QL, value: x.threshold / 2, activeFrom: 60, steadyAt: 60 }),
};

const waiting = QUEUE_STATES.find((q) => q === 'waiting') as string;
/** Three replicas of one worker report the same queue (one `instance` each, same `queue`). */
function replicasReporting(x: RuleContext, waitingJobs: number): TestSeries[] {
  return [1, 2, 3].map((i) =>
    s(WORKER_METRICS.queueSize, { ...SVC, ...x.extra.service, instance: `10.0.0.${i}:3000`, queue: 'emails', state: waiting }, { value: waitingJobs }),
  );
}
const queueSizeHigh: AlertSpec = {
  name: 'WorkerQueueSizeHigh',
  pack: 'worker',
  severity: 'warning',
  for: '10m',
  threshold: 1000,
  format: 'number',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Queue {{ $labels.queue }} of {{ $labels.service }} is backing up',
  description: '{{ $value | humanize }} jobs are waiting in {{ $labels.queue }} of {{ $labels.service }} (threshold {{ threshold }}).',
  // Every replica reports the depth of the same shared queue: the depth is their max, not their sum.
  expr: (x) =>
    `${queueDepth(x.sel.service, [S, ...KEPT, label(WORKER_METRICS.queueSize, LABELS.queue)])} > ${x.threshold}`,
  fire: (x) => [{ series: replicasReporting(x, aboveCount(x.threshold)), labels: { ...QL, ...keptLabels(x.extra.service) }, value: aboveCount(x.threshold), activeFrom: 0, steadyAt: 0, note: 'three replicas report the queue' }],
  // 3 × (threshold / 2 + 1) waiting jobs summed would pass the threshold; the queue holds half of it.
  quiet: (x) => {
    const depth = x.threshold >= 1 ? Math.floor(x.threshold / 2) + 1 : 0;
    return { series: replicasReporting(x, depth), labels: QL, value: depth, activeFrom: 0, steadyAt: 0 };
  },
};

function taskDurationScenario(x: RuleContext, side: 'above' | 'below'): Scenario {
  const def = WORKER_METRICS.taskDuration;
  const [lo, hi] = bucketAround(def, x.threshold, side);
  const h = histogramScenario(def, { ...SVC, ...x.extra.service, queue: 'emails', task: 'send' }, lo, hi, 60);
  return { series: h.series, labels: { ...QL, ...keptLabels(x.extra.service) }, value: h.value, activeFrom: 60, steadyAt: 60 };
}

const highTaskDuration: AlertSpec = {
  name: 'HighWorkerTaskDuration',
  pack: 'worker',
  severity: 'warning',
  for: '10m',
  threshold: 60,
  format: 'duration',
  range: [WORKER_METRICS.taskDuration.buckets[0], WORKER_METRICS.taskDuration.buckets.at(-1) as number],
  summary: 'Slow tasks on {{ $labels.service }}/{{ $labels.queue }}',
  description: 'p95 duration of {{ $labels.queue }} tasks of {{ $labels.service }} is {{ $value | humanizeDuration }} over 5m (threshold {{ threshold }}).',
  expr: (x) => `histogram_quantile(0.95, ${select(R.workerDurationBucketRate.series)}) > ${x.threshold}`,
  fire: (x) => [taskDurationScenario(x, 'above')],
  quiet: (x) => taskDurationScenario(x, 'below'),
};

const workerDown: AlertSpec = {
  name: 'WorkerDown',
  pack: 'worker',
  severity: 'critical',
  for: '2m',
  format: 'none',
  summary: 'Worker {{ $labels.service }} is down',
  description: 'Worker {{ $labels.service }} on {{ $labels.instance }} is not processing: its scrape target fails or service_up is 0.',
  expr: (x) =>
    `(max by (${S}, ${JOB}, ${INSTANCE}) (${select(SERVICE_METRICS.up, x.sel.service)} == 0) and on (${JOB}, ${INSTANCE}) group by (${JOB}, ${INSTANCE}) (${lastOverTime(marker, x.sel.service)})) or max by (${S}, ${JOB}, ${INSTANCE}) (${targetDownWithService(marker, x.sel.service)})`,
  fire: (x) => [downScenario(marker, SVC, { ...SVC, ...x.extra.service, queue: 'emails' }, { ...SVC })],
  quiet: (x) => upScenario(marker, SVC, { ...SVC, ...x.extra.service, queue: 'emails' }, {}),
};

// ---------------------------------------------------------------------------------------------
// host pack (node_exporter)

const N = NODE_EXPORTER_METRICS;
const HOST_BY = [JOB, INSTANCE] as const;
const idle = 'idle';

const hostCpu: AlertSpec = {
  name: 'HostCPUHigh',
  pack: 'host',
  severity: 'warning',
  for: '10m',
  threshold: 0.85,
  format: 'percent',
  range: [0, 1],
  summary: 'High CPU on host {{ $labels.instance }}',
  description: 'Host {{ $labels.instance }} is {{ $value | humanizePercentage }} busy (all CPUs, 5m average) (threshold {{ threshold }}).',
  expr: (x) => {
    const mode = label(N.cpuSecondsTotal, 'mode');
    return `${sumBy(HOST_BY, rate(N.cpuSecondsTotal, [...x.sel.host, ne(mode, idle)], RATE_WINDOW))} / ${sumBy(HOST_BY, rate(N.cpuSecondsTotal, x.sel.host, RATE_WINDOW))} > ${x.threshold}`;
  },
  fire: (x) => [cpuScenario(x, above(x.threshold))],
  quiet: (x) => cpuScenario(x, x.threshold / 2),
};
function cpuScenario(x: RuleContext, busy: number): Scenario {
  const l = { ...NODE, ...x.extra.host, cpu: '0' };
  return {
    series: [s(N.cpuSecondsTotal, { ...l, mode: idle }, { slope: 60 * (1 - busy) }), s(N.cpuSecondsTotal, { ...l, mode: 'user' }, { slope: 60 * busy })],
    labels: { ...NODE },
    value: busy,
    activeFrom: 60,
    steadyAt: 60,
  };
}

const hostMemory: AlertSpec = {
  name: 'HostMemoryHigh',
  pack: 'host',
  severity: 'warning',
  for: '10m',
  threshold: 0.9,
  format: 'percent',
  range: [0, 1],
  summary: 'High memory use on host {{ $labels.instance }}',
  description: 'Host {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory (MemAvailable) (threshold {{ threshold }}).',
  expr: (x) => `max by (${JOB}, ${INSTANCE}) (1 - ${select(N.memoryMemAvailableBytes, x.sel.host)} / ${select(N.memoryMemTotalBytes, x.sel.host)}) > ${x.threshold}`,
  fire: (x) => [memScenario(x, above(x.threshold))],
  quiet: (x) => memScenario(x, x.threshold / 2),
};
function memScenario(x: RuleContext, used: number): Scenario {
  const l = { ...NODE, ...x.extra.host };
  return { series: [s(N.memoryMemAvailableBytes, l, { value: (1 - used) * 8e9 }), s(N.memoryMemTotalBytes, l, { value: 8e9 })], labels: { ...NODE }, value: used, activeFrom: 0, steadyAt: 0 };
}

const root = '/';
const hostDisk: AlertSpec = {
  name: 'HostDiskHigh',
  pack: 'host',
  severity: 'warning',
  for: '15m',
  threshold: 0.8,
  format: 'percent',
  range: [0, 1],
  summary: 'Root filesystem of {{ $labels.instance }} is filling up',
  description: '{{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full (threshold {{ threshold }}).',
  expr: (x) => {
    const mp = eq(label(N.filesystemAvailBytes, 'mountpoint'), root);
    return `max by (${JOB}, ${INSTANCE}, mountpoint) (1 - ${select(N.filesystemAvailBytes, [...x.sel.host, mp])} / ${select(N.filesystemSizeBytes, [...x.sel.host, mp])}) > ${x.threshold}`;
  },
  fire: (x) => [diskScenario(x, above(x.threshold))],
  quiet: (x) => diskScenario(x, x.threshold / 2),
};
function diskScenario(x: RuleContext, used: number): Scenario {
  const l = { ...NODE, ...x.extra.host, device: '/dev/sda1', fstype: 'ext4', mountpoint: root };
  return { series: [s(N.filesystemAvailBytes, l, { value: (1 - used) * 1e11 }), s(N.filesystemSizeBytes, l, { value: 1e11 })], labels: { ...NODE, mountpoint: root }, value: used, activeFrom: 0, steadyAt: 0 };
}

/** Seed 5's HighNodeDiskUsage: any real filesystem (not tmpfs, overlay, …) above 85 %, not only `/`. */
const nodeDisk: AlertSpec = {
  name: 'HighNodeDiskUsage',
  pack: 'host',
  severity: 'warning',
  for: '10m',
  threshold: 0.85,
  format: 'percent',
  range: [0, 1],
  summary: 'Filesystem {{ $labels.mountpoint }} of {{ $labels.instance }} is filling up',
  description: '{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is {{ $value | humanizePercentage }} full (threshold {{ threshold }}).',
  expr: (x) => {
    const fs = [...x.sel.host, nre(label(N.filesystemAvailBytes, 'fstype'), PSEUDO_FILESYSTEMS)];
    return `max by (${JOB}, ${INSTANCE}, device, mountpoint) (1 - ${select(N.filesystemAvailBytes, fs)} / ${select(N.filesystemSizeBytes, fs)}) > ${x.threshold}`;
  },
  fire: (x) => [dataDiskScenario(x, above(x.threshold))],
  quiet: (x) => dataDiskScenario(x, x.threshold / 2),
};
/** `/` nearly empty, `/var/lib/postgresql` at `used`, and a full tmpfs that must not count. */
function dataDiskScenario(x: RuleContext, used: number): Scenario {
  const l = { ...NODE, ...x.extra.host };
  const data = { ...l, device: '/dev/sdb1', fstype: 'xfs', mountpoint: '/var/lib/postgresql' };
  const rootFs = { ...l, device: '/dev/sda1', fstype: 'ext4', mountpoint: root };
  const tmp = { ...l, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };
  return {
    series: [
      s(N.filesystemAvailBytes, data, { value: (1 - used) * 1e11 }),
      s(N.filesystemSizeBytes, data, { value: 1e11 }),
      s(N.filesystemAvailBytes, rootFs, { value: 9e10 }),
      s(N.filesystemSizeBytes, rootFs, { value: 1e11 }),
      s(N.filesystemAvailBytes, tmp, { value: 0 }),
      s(N.filesystemSizeBytes, tmp, { value: 1e9 }),
    ],
    labels: { ...NODE, device: '/dev/sdb1', mountpoint: '/var/lib/postgresql' },
    value: used,
    activeFrom: 0,
    steadyAt: 0,
  };
}

const hostDown: AlertSpec = {
  name: 'HostDown',
  pack: 'host',
  severity: 'critical',
  for: '5m',
  format: 'none',
  summary: 'Host {{ $labels.instance }} is down',
  description: 'node_exporter on {{ $labels.instance }} (job {{ $labels.job }}) cannot be scraped: the host or its exporter is down.',
  expr: (x) => targetDown(N.unameInfo, x.sel.host),
  fire: (x) => [downScenario(N.unameInfo, NODE, { ...NODE, ...x.extra.host, nodename: 'vm-1', sysname: 'Linux' }, { ...NODE })],
  quiet: (x) => upScenario(N.unameInfo, NODE, { ...NODE, ...x.extra.host, nodename: 'vm-1', sysname: 'Linux' }, {}),
};

// ---------------------------------------------------------------------------------------------
// containers pack (cAdvisor)

const C = CADVISOR_METRICS;
const CONTAINER_BY = [INSTANCE, ...['name', 'namespace', 'pod', 'container'].map((l) => label(C.cpuUsageSecondsTotal, l))];
const real = (x: RuleContext) => [...x.sel.host, ne(label(C.cpuUsageSecondsTotal, 'image'), '')];
const CL = { instance: CONTAINER.instance, name: CONTAINER.name };

/**
 * A Docker container restarting `restarts` times: a first run of 7 samples (30 s apart), each
 * later run 2 samples, the last one running on. `newSeries`: every run is a new series labelled
 * `container_label_restartcount` (what every cAdvisor does); otherwise one series whose start time
 * moves (cAdvisor 0.60+ without container labels).
 */
function restartingContainer(x: RuleContext, restarts: number, newSeries: boolean): TestSeries[] {
  const runs = restarts + 1;
  const first = (k: number) => (k === 0 ? 0 : 7 + 2 * (k - 1));
  const startOf = (k: number) => 1000 + 60 * k;
  // `vxN` is N + 1 samples, `_xN` N gaps; a test has n + 1 samples in all.
  const run = (k: number, n: number) => (k === runs - 1 ? `${startOf(k)}x${n - first(k)}` : `${startOf(k)}x${first(k + 1) - first(k) - 1}`);
  const base = { ...CONTAINER, ...x.extra.host };
  if (!newSeries) return [s(C.startTimeSeconds, base, { values: (n) => Array.from({ length: runs }, (_, k) => run(k, n)).join(' ') })];
  return Array.from({ length: runs }, (_, k) =>
    s(C.startTimeSeconds, k === 0 ? base : { ...base, container_label_restartcount: String(k) }, {
      values: (n) => {
        const before = first(k) > 0 ? [`_x${first(k)}`] : [];
        const after = k === runs - 1 ? [] : [`_x${n + 1 - first(k + 1)}`];
        return [...before, run(k, n), ...after].join(' ');
      },
    }),
  );
}

const containerRestartBurst: AlertSpec = {
  name: 'ContainerRestartBurst',
  pack: 'containers',
  severity: 'warning',
  for: '2m',
  threshold: 3,
  format: 'number',
  range: [0, 8],
  summary: 'Container {{ $labels.name }} is restarting',
  description:
    'Docker container {{ $labels.name }} on {{ $labels.instance }} restarted {{ $value | humanize }} times in 15m (threshold {{ threshold }}; cAdvisor: new runs of the same container id, or its start time moving). Kubernetes restarts: PodCrashLooping.',
  expr: (x) => `${aggregate('max', [INSTANCE, 'name'], containerRestarts(real(x), '15m'))} > ${x.threshold}`,
  fire: (x) => {
    const r = Math.floor(x.threshold) + 1;
    const at = (7 + 2 * (r - 1)) * 30;
    return [
      { series: restartingContainer(x, r, true), labels: CL, value: r, activeFrom: at, steadyAt: 900, interval: 30, note: 'each run a new series (restartcount label)' },
      { series: restartingContainer(x, r, false), labels: CL, value: r, activeFrom: at, steadyAt: 900, interval: 30, note: 'cAdvisor 0.60+ start time moves' },
    ];
  },
  // A redeploy (a new container id under the same name) is not a restart; one restart stays quiet.
  quiet: (x) => ({
    series: [
      s(C.startTimeSeconds, { ...CONTAINER, ...x.extra.host }, { values: (n) => `1000x9 _x${n - 10}` }),
      ...restartingContainer(x, x.threshold >= 1 ? 1 : 0, true).map((t) => ({ ...t, labels: { ...t.labels, id: '/docker/4567ef01' } })),
    ],
    labels: CL,
    value: x.threshold >= 1 ? 1 : 0,
    activeFrom: 0,
    steadyAt: 900,
    interval: 30,
  }),
};

const containerCpu: AlertSpec = {
  name: 'ContainerCPUHigh',
  pack: 'containers',
  severity: 'warning',
  for: '10m',
  threshold: 0.8,
  format: 'percent',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Container {{ $labels.name }} is using most of its CPU limit',
  description: 'Container {{ $labels.name }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its CPU limit (threshold {{ threshold }}).',
  expr: (x) =>
    `${sumBy(CONTAINER_BY, rate(C.cpuUsageSecondsTotal, real(x), RATE_WINDOW))} / ${sumBy(CONTAINER_BY, `(${select(C.specCpuQuota, real(x))} > 0) / ${select(C.specCpuPeriod, real(x))}`)} > ${x.threshold}`,
  // Two cores allowed; the counter rises fast enough that the first minute is already above.
  fire: (x) => {
    const slope = Math.max(x.threshold, 0.1) * 2 * 600;
    return [containerCpuScenario(x, slope, slope / 60 / 2, 60)];
  },
  quiet: (x) => containerCpuScenario(x, x.threshold * 60, x.threshold / 2, 60),
};
function containerCpuScenario(x: RuleContext, slope: number, value: number, activeFrom: number): Scenario {
  const l = { ...CONTAINER, ...x.extra.host };
  return {
    series: [s(C.cpuUsageSecondsTotal, l, { slope }), s(C.specCpuQuota, l, { value: 200000 }), s(C.specCpuPeriod, l, { value: 100000 })],
    labels: CL,
    value,
    activeFrom,
    steadyAt: 300,
  };
}

const containerMemory: AlertSpec = {
  name: 'ContainerMemoryHigh',
  pack: 'containers',
  severity: 'warning',
  for: '10m',
  threshold: 0.9,
  format: 'percent',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Container {{ $labels.name }} is close to its memory limit',
  description: 'Container {{ $labels.name }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory limit (working set) (threshold {{ threshold }}).',
  expr: (x) =>
    `${sumBy(CONTAINER_BY, select(C.memoryWorkingSetBytes, real(x)))} / ${sumBy(CONTAINER_BY, `${select(C.specMemoryLimitBytes, real(x))} > 0`)} > ${x.threshold}`,
  fire: (x) => [containerMemScenario(x, above(x.threshold))],
  quiet: (x) => containerMemScenario(x, x.threshold / 2),
};
function containerMemScenario(x: RuleContext, used: number): Scenario {
  const l = { ...CONTAINER, ...x.extra.host };
  return { series: [s(C.memoryWorkingSetBytes, l, { value: used * 5e8 }), s(C.specMemoryLimitBytes, l, { value: 5e8 })], labels: CL, value: used, activeFrom: 0, steadyAt: 0 };
}

// ---------------------------------------------------------------------------------------------
// kubernetes pack (kube-state-metrics)

const K = KUBE_STATE_METRICS;
const PCL = ['namespace', 'pod', 'container'].map((l) => label(K.podContainerStatusRestartsTotal, l));
const PL = { namespace: POD.namespace, pod: POD.pod, container: POD.container };
const POD_PHASE = { namespace: POD.namespace, pod: POD.pod, uid: POD.uid };

function restartsScenario(x: RuleContext, slope: number, windowMin: number, labels: Record<string, string>): Scenario {
  return {
    series: [s(K.podContainerStatusRestartsTotal, { ...POD, ...x.extra.kubernetes }, { slope })],
    labels,
    value: slope * windowMin,
    activeFrom: 60,
    steadyAt: windowMin * 60,
  };
}

const podCrashLooping: AlertSpec = {
  name: 'PodCrashLooping',
  pack: 'kubernetes',
  severity: 'warning',
  for: '1m',
  threshold: 5,
  format: 'number',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
  description: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in 15m (threshold {{ threshold }}).',
  expr: (x) => `${aggregate('max', PCL, increase(K.podContainerStatusRestartsTotal, x.sel.kubernetes, '15m'))} >= ${x.threshold}`,
  fire: (x) => [restartsScenario(x, aboveCount(x.threshold), 15, PL)],
  quiet: (x) => restartsScenario(x, x.threshold / 30, 15, PL),
};

const podOomKilled: AlertSpec = {
  name: 'PodOOMKilled',
  pack: 'kubernetes',
  severity: 'warning',
  for: '1m',
  threshold: 0,
  format: 'none',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was OOM-killed',
  description: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was killed for running out of memory and restarted in the last 15m.',
  expr: (x) =>
    `(${aggregate('max', PCL, select(K.podContainerStatusLastTerminatedReason, [...x.sel.kubernetes, eq(label(K.podContainerStatusLastTerminatedReason, 'reason'), 'OOMKilled')]))} == 1) and on (${PCL.join(', ')}) (${aggregate('max', PCL, increase(K.podContainerStatusRestartsTotal, x.sel.kubernetes, '15m'))} > ${x.threshold})`,
  fire: (x) => [oomScenario(x, aboveCount(x.threshold))],
  quiet: (x) => oomScenario(x, 0),
};
function oomScenario(x: RuleContext, slope: number): Scenario {
  const l = { ...POD, ...x.extra.kubernetes };
  return {
    series: [s(K.podContainerStatusLastTerminatedReason, { ...l, reason: 'OOMKilled' }, { value: 1 }), s(K.podContainerStatusRestartsTotal, l, { slope })],
    labels: PL,
    value: 1,
    activeFrom: 60,
    steadyAt: 900,
  };
}

const highPodRestartRate: AlertSpec = {
  name: 'HighPodRestartRate',
  pack: 'kubernetes',
  severity: 'warning',
  for: '5m',
  threshold: 10,
  format: 'number',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} restarts often',
  description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value | humanize }} times in 1h (threshold {{ threshold }}).',
  expr: (x) =>
    `${sumBy(['namespace', 'pod'].map((l) => label(K.podContainerStatusRestartsTotal, l)), increase(K.podContainerStatusRestartsTotal, x.sel.kubernetes, '1h'))} > ${x.threshold}`,
  fire: (x) => [restartsScenario(x, aboveCount(x.threshold), 60, { namespace: POD.namespace, pod: POD.pod })],
  quiet: (x) => restartsScenario(x, x.threshold / 120, 60, { namespace: POD.namespace, pod: POD.pod }),
};

function conditionAlert(
  name: string,
  severity: Severity,
  forDur: string,
  def: MetricDefinition,
  by: readonly string[],
  matchers: (x: RuleContext) => Matchers,
  bad: Record<string, string>,
  good: Record<string, string>,
  ident: Record<string, string>,
  summary: string,
  description: string,
): AlertSpec {
  const scenario = (x: RuleContext, l: Record<string, string>): Scenario => ({
    series: [s(def, { ...ident, ...x.extra.kubernetes, ...l }, { value: 1 })],
    labels: Object.fromEntries(by.map((k) => [k, ident[k] ?? ''])),
    value: 1,
    activeFrom: 0,
    steadyAt: 0,
  });
  return {
    name,
    pack: 'kubernetes',
    severity,
    for: forDur,
    format: 'none',
    summary,
    description,
    expr: (x) => `${aggregate('max', by.map((l) => label(def, l)), select(def, matchers(x)))} == 1`,
    fire: (x) => [scenario(x, bad)],
    quiet: (x) => scenario(x, good),
  };
}

const notReady = conditionAlert(
  'PodNotReady',
  'warning',
  '10m',
  K.podStatusReady,
  ['namespace', 'pod'],
  (x) => [...x.sel.kubernetes, eq(label(K.podStatusReady, 'condition'), 'false')],
  { condition: 'false' },
  { condition: 'true' },
  { namespace: POD.namespace, pod: POD.pod, uid: POD.uid },
  'Pod {{ $labels.namespace }}/{{ $labels.pod }} is not ready',
  'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for a while: it receives no traffic.',
);
const podNotReady: AlertSpec = {
  ...notReady,
  expr: (x) => `${notReady.expr(x)} unless on (namespace, pod) (${podsSucceeded(x.sel.kubernetes)})`,
  fire: (x) => notReady.fire(x).map((sc) => ({ ...sc, series: [...sc.series, s(K.podStatusPhase, { ...POD_PHASE, ...x.extra.kubernetes, phase: 'Running' }, { value: 1 })] })),
  // A completed Job pod: Ready=false (reason PodCompleted) for as long as the pod object is kept.
  quiet: (x) => {
    const done = notReady.fire(x)[0] as Scenario;
    return { ...done, series: [...done.series, s(K.podStatusPhase, { ...POD_PHASE, ...x.extra.kubernetes, phase: 'Succeeded' }, { value: 1 })] };
  },
};
const nodeNotReady = conditionAlert(
  'NodeNotReady',
  'critical',
  '5m',
  K.nodeStatusCondition,
  ['node'],
  (x) => [...x.sel.kubernetes, eq(label(K.nodeStatusCondition, 'condition'), 'Ready'), ne(label(K.nodeStatusCondition, 'status'), 'true')],
  { condition: 'Ready', status: 'false' },
  { condition: 'Ready', status: 'true' },
  { node: 'node-a' },
  'Node {{ $labels.node }} is not ready',
  'Kubernetes node {{ $labels.node }} reports Ready=false or unknown: its pods are being evicted or are unreachable.',
);
const nodeDiskPressure = conditionAlert(
  'NodeDiskPressure',
  'warning',
  '5m',
  K.nodeStatusCondition,
  ['node'],
  (x) => [...x.sel.kubernetes, eq(label(K.nodeStatusCondition, 'condition'), 'DiskPressure'), eq(label(K.nodeStatusCondition, 'status'), 'true')],
  { condition: 'DiskPressure', status: 'true' },
  { condition: 'DiskPressure', status: 'false' },
  { node: 'node-a' },
  'Node {{ $labels.node }} has disk pressure',
  'Kubernetes node {{ $labels.node }} reports DiskPressure: the kubelet is evicting pods and refuses new ones.',
);

const DEPLOY = { namespace: POD.namespace, deployment: 'checkout' };
const DEPLOY_BY = ['namespace', 'deployment'].map((l) => label(K.deploymentSpecReplicas, l));
/**
 * Fewer available replicas than desired: what stays of a deployment whose pods crash at boot, are
 * evicted or cannot be scheduled, when their scrape targets are gone with the pods.
 */
const deploymentReplicas: AlertSpec = {
  name: 'DeploymentReplicasUnavailable',
  pack: 'kubernetes',
  severity: 'warning',
  for: '10m',
  format: 'none',
  summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is missing replicas',
  description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has {{ $value | humanize }} fewer available replicas than desired.',
  expr: (x) =>
    `${aggregate('max', DEPLOY_BY, select(K.deploymentSpecReplicas, x.sel.kubernetes))} - ${aggregate('max', DEPLOY_BY, select(K.deploymentStatusReplicasAvailable, x.sel.kubernetes))} > 0`,
  fire: (x) => [deployScenario(x, 3, 0)],
  quiet: (x) => deployScenario(x, 3, 3),
};
function deployScenario(x: RuleContext, desired: number, available: number): Scenario {
  const l = { ...DEPLOY, ...x.extra.kubernetes };
  return {
    series: [s(K.deploymentSpecReplicas, l, { value: desired }), s(K.deploymentStatusReplicasAvailable, l, { value: available })],
    labels: DEPLOY,
    value: desired - available,
    activeFrom: 0,
    steadyAt: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// datastores pack

const PG = { job: 'postgres', instance: '10.0.0.5:9187' };
const REDIS = { job: 'redis', instance: '10.0.0.6:9121' };
const RABBIT = { job: 'rabbitmq', instance: '10.0.0.7:15692' };

function exporterDown(name: string, what: string, def: MetricDefinition, ident: Record<string, string>): AlertSpec {
  return {
    name,
    pack: 'datastores',
    severity: 'critical',
    for: '2m',
    format: 'none',
    summary: `${what} {{ $labels.instance }} is down`,
    description: `${what} behind {{ $labels.instance }} (job {{ $labels.job }}) is unreachable: its exporter reports it down or cannot be scraped.`,
    expr: (x) =>
      `max by (${JOB}, ${INSTANCE}) (${select(def, x.sel.host)} == 0) or ${targetDown(def, x.sel.host)}`,
    fire: (x) => [
      { series: [s(up, ident, { value: 1 }), s(def, { ...ident, ...x.extra.host }, { value: 0 })], labels: ident, value: 0, activeFrom: 0, steadyAt: 0, note: 'exporter reports down' },
      { ...downScenario(def, ident, { ...ident, ...x.extra.host }, ident), note: 'exporter target down' },
    ],
    quiet: (x) => upScenario(def, ident, { ...ident, ...x.extra.host }, {}),
  };
}

const rabbitDown: AlertSpec = {
  name: 'RabbitMQDown',
  pack: 'datastores',
  severity: 'critical',
  for: '2m',
  format: 'none',
  summary: 'RabbitMQ {{ $labels.instance }} is down',
  description: 'RabbitMQ node {{ $labels.instance }} (job {{ $labels.job }}) cannot be scraped (rabbitmq_prometheus plugin): the broker is down.',
  expr: (x) => targetDown(RABBITMQ_METRICS.identityInfo, x.sel.host),
  fire: (x) => [downScenario(RABBITMQ_METRICS.identityInfo, RABBIT, { ...RABBIT, ...x.extra.host, rabbitmq_node: 'rabbit@mq-0' }, RABBIT)],
  quiet: (x) => upScenario(RABBITMQ_METRICS.identityInfo, RABBIT, { ...RABBIT, ...x.extra.host, rabbitmq_node: 'rabbit@mq-0' }, {}),
};

const P = POSTGRES_EXPORTER_METRICS;
const pgPool: AlertSpec = {
  name: 'HighPostgreSQLConnectionPoolUsage',
  pack: 'datastores',
  severity: 'warning',
  for: '10m',
  threshold: 0.8,
  format: 'percent',
  range: [0, 1],
  summary: 'PostgreSQL {{ $labels.instance }} is running out of connections',
  description: 'PostgreSQL {{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections (threshold {{ threshold }}).',
  expr: (x) => `${sumBy(HOST_BY, select(P.statActivityCount, x.sel.host))} / ${aggregate('max', HOST_BY, select(P.settingsMaxConnections, x.sel.host))} > ${x.threshold}`,
  fire: (x) => [pgScenario(x, above(x.threshold))],
  quiet: (x) => pgScenario(x, x.threshold / 2),
};
function pgScenario(x: RuleContext, used: number): Scenario {
  const l = { ...PG, ...x.extra.host };
  return {
    series: [s(P.statActivityCount, { ...l, datname: 'shop', state: 'active' }, { value: used * 200 }), s(P.settingsMaxConnections, l, { value: 200 })],
    labels: PG,
    value: used,
    activeFrom: 0,
    steadyAt: 0,
  };
}

const RD = REDIS_EXPORTER_METRICS;
const redisMemory: AlertSpec = {
  name: 'HighRedisMemoryUsage',
  pack: 'datastores',
  severity: 'warning',
  for: '10m',
  threshold: 0.9,
  format: 'percent',
  range: [0, Number.POSITIVE_INFINITY],
  summary: 'Redis {{ $labels.instance }} is running out of memory',
  description:
    'Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory, or of the host memory when maxmemory is 0 (threshold {{ threshold }}). With maxmemory 0 the host memory comes from redis_exporter --include-system-metrics; without either this alert cannot fire.',
  // Redis's default maxmemory is 0 (no limit): then the host's memory is the limit that matters.
  expr: (x) =>
    `max by (${JOB}, ${INSTANCE}) ((${select(RD.memoryUsedBytes, x.sel.host)} / (${select(RD.memoryMaxBytes, x.sel.host)} > 0)) or (${select(RD.memoryUsedBytes, x.sel.host)} / ${select(RD.totalSystemMemoryBytes, x.sel.host)})) > ${x.threshold}`,
  fire: (x) => [
    { ...redisScenario(x, above(x.threshold), 1e9), note: 'against maxmemory' },
    { ...redisScenario(x, above(x.threshold), 0), note: 'maxmemory 0: against the host memory' },
  ],
  quiet: (x) => redisScenario(x, x.threshold / 2, 0),
};
/** Redis using `used` of its limit: `maxmemory` bytes, or (0) the 4 GB host's memory. */
function redisScenario(x: RuleContext, used: number, maxmemory: number): Scenario {
  const l = { ...REDIS, ...x.extra.host };
  const limit = maxmemory > 0 ? maxmemory : 4e9;
  return {
    series: [s(RD.memoryUsedBytes, l, { value: used * limit }), s(RD.memoryMaxBytes, l, { value: maxmemory }), s(RD.totalSystemMemoryBytes, l, { value: 4e9 })],
    labels: REDIS,
    value: used,
    activeFrom: 0,
    steadyAt: 0,
  };
}

/**
 * Every threshold alert of CONTRACT.md and SEEDS.md, with its defaults, in pack order. The SLO
 * burn-rate alerts are generated from `slo` (see slo.ts); domain alerts from `domain.alerts`.
 */
export const ALERT_SPECS: readonly AlertSpec[] = [
  serviceDown,
  highErrorLogRate,
  highApiErrorRate,
  highApiLatency,
  highApiCpu,
  highApiMemory,
  highWorkerFailure,
  queueSizeHigh,
  highTaskDuration,
  workerDown,
  hostCpu,
  hostMemory,
  hostDisk,
  nodeDisk,
  hostDown,
  containerRestartBurst,
  containerCpu,
  containerMemory,
  podCrashLooping,
  podOomKilled,
  highPodRestartRate,
  podNotReady,
  nodeNotReady,
  nodeDiskPressure,
  deploymentReplicas,
  exporterDown('PostgreSQLDown', 'PostgreSQL', P.up, PG),
  exporterDown('RedisDown', 'Redis', RD.up, REDIS),
  rabbitDown,
  pgPool,
  redisMemory,
];

/** The `status=~"5.."` matcher of server errors, with the service selectors. */
export const serverErrors = (x: RuleContext): Matchers => [...x.sel.service, re(label(HTTP_METRICS.requestsTotal, LABELS.status), '5..')];

export { SVC as TEST_SERVICE, httpTraffic, s as testSeries, above };
