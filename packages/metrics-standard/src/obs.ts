import { registerDefaultMetrics } from './default-metrics.js';
import { Registry } from './prom.js';
import { RESOURCE_COLLECTORS, type Collector, type CollectorContext } from './collectors/index.js';
import { HTTP_METRICS } from './definitions/http.js';
import pkg from '../package.json' with { type: 'json' };
import { LABELS, SERVICE_NAME_PATTERN } from './definitions/labels.js';
import { SERVICE_METRICS } from './definitions/service.js';
import type { MetricDefinition } from './definitions/types.js';
import { WORKER_METRICS } from './definitions/worker.js';
import { DEFAULT_MAX_SERIES_PER_METRIC } from './cardinality.js';
import { ObsError } from './errors.js';
import { DEFAULT_MAX_ERROR_TYPES, ErrorRecorder } from './instruments/errors.js';
import { HttpRecorder } from './instruments/http.js';
import { type InstrumentContext, type InstrumentOptions, ObsCounter, ObsGauge, ObsHistogram } from './instruments/instrument.js';
import { WorkTracker } from './instruments/work-tracker.js';
import { optionalBoolean, optionalInteger, optionalObject, optionalString, rejectUnknownKeys, validateBuckets } from './validate.js';
import { Warner, type WarningHandler } from './warnings.js';

/** Options of {@link createObs}. */
export interface ObsOptions {
  /** The service name, the `service` label of every series. Must match `^[a-z][a-z0-9_-]{0,62}$`. Required. */
  service: string;
  /** Deployment environment, reported on `service_info{env}`. Default: `process.env.NODE_ENV` or `"unknown"`. */
  env?: string;
  /** Service version, reported on `service_info{version}`. Default: `process.env.npm_package_version` or `"unknown"`. */
  version?: string;
  /** Extra constant labels on every series (e.g. `{ region: 'eu-west-1' }`). Default: none. */
  constLabels?: Record<string, string>;
  /** Histogram bucket overrides. HTTP buckets must keep 1 s; worker buckets must keep 60 s. Default: the contract's. */
  buckets?: { http?: readonly number[]; worker?: readonly number[] };
  /** Cap of distinct label sets per metric; past it, values collapse into `<overflow>`. Default: 2000. */
  maxSeriesPerMetric?: number;
  /** Cap of distinct `service_errors_total{type}` values; the rest count as `other`. Default: 50. */
  maxErrorTypes?: number;
  /** Register prom-client's Node runtime metrics (event loop lag, heap, GC). Default: true. */
  defaultMetrics?: boolean;
  /** Count uncaught exceptions and unhandled rejections (that reach `uncaughtExceptionMonitor`); never swallows them. Default: false. */
  captureProcessErrors?: boolean;
  /** Receives each coded warning once. Default: `process.emitWarning`. */
  onWarning?: WarningHandler;
  /** Root of the cgroup filesystem read for container limits. Default: `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** File naming this process's cgroups. Default: `/proc/self/cgroup`. */
  procSelfCgroup?: string;
  /**
   * Attach `trace_id`/`span_id` of the active sampled OpenTelemetry span to
   * `http_request_duration_seconds` and `worker_task_duration_seconds` observations as exemplars
   * (visible only in OpenMetrics scrapes). Costs nothing measurable without a tracing SDK. Default: true.
   */
  exemplars?: boolean;
}

/** The option names of {@link createObs}, for integrations that accept them among their own. */
export const OBS_OPTION_KEYS = [
  'service',
  'env',
  'version',
  'constLabels',
  'buckets',
  'maxSeriesPerMetric',
  'maxErrorTypes',
  'defaultMetrics',
  'captureProcessErrors',
  'onWarning',
  'cgroupRoot',
  'procSelfCgroup',
  'exemplars',
] as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS: ReadonlySet<string> = new Set([...Object.values(LABELS), 'job', 'instance', 'quantile']);

/**
 * The SDK identity reported on `service_info{sdk}`: this implementation and the version of this
 * package (read from its package.json when it is built), e.g. `obs-node/0.1.0`.
 */
export const SDK_NAME = `obs-node/${pkg.version}`;

/** Options of {@link Obs.shutdown}. */
export interface ShutdownOptions {
  /** How long to wait for in-flight requests and tasks. Default: 10 000 ms. */
  timeoutMs?: number;
}

/**
 * One instrumented service: a private prom-client registry with the whole contract registered
 * and typed recorders for it. Create one per service (per process) with {@link createObs}.
 */
export interface Obs {
  /** The validated service name. */
  readonly service: string;
  /** The deployment environment reported on `service_info{env}`. */
  readonly env: string;
  /** The service version reported on `service_info{version}`. */
  readonly version: string;
  /** The labels on every series: `service` plus `constLabels`. */
  readonly defaultLabels: Readonly<Record<string, string>>;
  /** The private prom-client registry (never the global one). Register domain metrics here or with `counter()`/`gauge()`/`histogram()`. */
  readonly registry: Registry;
  /** HTTP server recorder; its metrics are registered on first access (integrations touch it at start-up). */
  readonly http: HttpRecorder;
  /** `service_errors_total` recorder. */
  readonly errors: ErrorRecorder;
  /** In-flight work (requests and tasks) that a graceful shutdown waits for. */
  readonly work: WorkTracker;
  /** The instrument context, for packages that build contract instruments (e.g. @obs/worker). */
  readonly context: InstrumentContext;
  /** Bucket overrides as validated. */
  readonly buckets: { http?: readonly number[]; worker?: readonly number[] };
  /** True once shutdown has begun. */
  readonly shuttingDown: boolean;
  /** A guarded counter from a definition (a contract one or your own). */
  counter<D extends MetricDefinition>(definition: D, options?: InstrumentOptions): ObsCounter<D>;
  /** A guarded gauge from a definition. */
  gauge<D extends MetricDefinition>(definition: D, options?: InstrumentOptions): ObsGauge<D>;
  /** A guarded histogram from a definition. */
  histogram<D extends MetricDefinition>(definition: D, options?: InstrumentOptions): ObsHistogram<D>;
  /** Register a callback run when shutdown begins (after `service_up` is 0), e.g. to close a server. */
  onShutdown(fn: () => void | Promise<void>): void;
  /**
   * Begin graceful shutdown: `service_up` becomes 0 at once, then waits for in-flight work (up to
   * `timeoutMs`), runs the `onShutdown` callbacks and releases listeners. Resolves true when all
   * work drained in time. Idempotent.
   */
  shutdown(options?: ShutdownOptions): Promise<boolean>;
}

/**
 * Create the instrumentation of one service. Throws a coded {@link ObsError} on bad options;
 * records never throw afterwards.
 *
 * @example
 * const obs = createObs({ service: 'checkout-api', version: '1.4.2' });
 * obs.http.start(); obs.http.finish('GET', '/users/:id', 200, 0.012);
 * const text = await obs.registry.metrics();
 */
export function createObs(options: ObsOptions): Obs {
  const opts = optionalObject('options', options);
  if (opts === undefined) throw new ObsError('OBS_ERR_INVALID_SERVICE_NAME', 'service', options, 'createObs needs { service }');
  rejectUnknownKeys('', opts, OBS_OPTION_KEYS);
  const service = opts.service;
  if (typeof service !== 'string' || !SERVICE_NAME_PATTERN.test(service)) {
    throw new ObsError('OBS_ERR_INVALID_SERVICE_NAME', 'service', service);
  }
  const env = optionalString('env', opts.env) ?? (process.env.NODE_ENV || 'unknown');
  const version = optionalString('version', opts.version) ?? (process.env.npm_package_version || 'unknown');
  const constLabels = optionalObject('constLabels', opts.constLabels) ?? {};
  for (const [k, v] of Object.entries(constLabels)) {
    if (!LABEL_NAME.test(k) || k.startsWith('__') || RESERVED_LABELS.has(k)) {
      throw new ObsError('OBS_ERR_INVALID_LABEL', `constLabels.${k}`, k, RESERVED_LABELS.has(k) ? 'this name is a contract or Prometheus label' : 'not a valid label name');
    }
    if (typeof v !== 'string') throw new ObsError('OBS_ERR_INVALID_OPTION', `constLabels.${k}`, v, 'label values are strings');
  }
  const bucketOpts = optionalObject('buckets', opts.buckets) ?? {};
  rejectUnknownKeys('buckets', bucketOpts, ['http', 'worker']);
  const httpBuckets = validateBuckets('buckets.http', bucketOpts.http, HTTP_METRICS.requestDuration.requiredBuckets);
  const workerBuckets = validateBuckets('buckets.worker', bucketOpts.worker, WORKER_METRICS.taskDuration.requiredBuckets);
  const maxSeriesPerMetric = optionalInteger('maxSeriesPerMetric', opts.maxSeriesPerMetric, DEFAULT_MAX_SERIES_PER_METRIC);
  const maxErrorTypes = optionalInteger('maxErrorTypes', opts.maxErrorTypes, DEFAULT_MAX_ERROR_TYPES);
  const defaultMetrics = optionalBoolean('defaultMetrics', opts.defaultMetrics, true);
  const captureProcessErrors = optionalBoolean('captureProcessErrors', opts.captureProcessErrors, false);
  if (opts.onWarning !== undefined && typeof opts.onWarning !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'onWarning', opts.onWarning, 'expected a function');
  }
  const cgroupRoot = optionalString('cgroupRoot', opts.cgroupRoot) ?? '/sys/fs/cgroup';
  const procSelfCgroup = optionalString('procSelfCgroup', opts.procSelfCgroup) ?? '/proc/self/cgroup';
  const exemplars = optionalBoolean('exemplars', opts.exemplars, true);

  const warner = new Warner(opts.onWarning as WarningHandler | undefined);
  const registry = new Registry();
  const defaultLabels: Record<string, string> = { [LABELS.service]: service, ...(constLabels as Record<string, string>) };
  registry.setDefaultLabels(defaultLabels);
  const ctx: CollectorContext = {
    registry,
    constantLabels: new Set(Object.keys(defaultLabels)),
    maxSeriesPerMetric,
    warner,
    cgroupRoot,
    procSelfCgroup,
    exemplars,
  };

  const work = new WorkTracker();
  // Created on first use: a worker or a CLI that never serves HTTP exposes no http_* series (and
  // is not counted as an API by the dashboards); the HTTP integrations touch it at start-up.
  let http: HttpRecorder | undefined;
  const errors = new ErrorRecorder(ctx, maxErrorTypes, warner);
  const up = new ObsGauge(SERVICE_METRICS.up, ctx);
  up.labels().set(1);
  new ObsGauge(SERVICE_METRICS.info, ctx).labels(version, env, SDK_NAME).set(1);
  const collectors: Collector[] = RESOURCE_COLLECTORS.map((make) => make(ctx));
  if (defaultMetrics) registerDefaultMetrics(registry);

  const processListener = (err: unknown, origin: string) => {
    errors.record(origin === 'unhandledRejection' ? 'unhandled_rejection' : 'uncaught_exception');
    void err;
  };
  if (captureProcessErrors) process.on('uncaughtExceptionMonitor', processListener);

  /** A coded start-up error instead of prom-client's plain one when the name is taken. */
  const unregistered = <D extends MetricDefinition>(definition: D): D => {
    const name = (definition as MetricDefinition | undefined)?.name;
    if (typeof name === 'string' && registry.getSingleMetric(name) !== undefined) {
      throw new ObsError('OBS_ERR_ALREADY_REGISTERED', 'definition.name', name, 'this instance already has a metric of that name; create each instrument once and keep it');
    }
    return definition;
  };

  const shutdownHooks: Array<() => void | Promise<void>> = [];
  let shuttingDown = false;
  let shutdownPromise: Promise<boolean> | undefined;

  return {
    service,
    env,
    version,
    defaultLabels: Object.freeze({ ...defaultLabels }),
    registry,
    get http() {
      http ??= new HttpRecorder(ctx, work, httpBuckets);
      return http;
    },
    errors,
    work,
    context: ctx,
    buckets: { ...(httpBuckets ? { http: httpBuckets } : {}), ...(workerBuckets ? { worker: workerBuckets } : {}) },
    get shuttingDown() {
      return shuttingDown;
    },
    counter: (definition, o) => new ObsCounter(unregistered(definition), ctx, o),
    gauge: (definition, o) => new ObsGauge(unregistered(definition), ctx, o),
    histogram: (definition, o) => new ObsHistogram(unregistered(definition), ctx, o),
    onShutdown(fn) {
      shutdownHooks.push(fn);
    },
    shutdown(o = {}) {
      if (shutdownPromise) return shutdownPromise;
      shuttingDown = true;
      up.labels().set(0);
      const timeoutMs = optionalInteger('timeoutMs', o.timeoutMs, 10_000, 0);
      shutdownPromise = (async () => {
        const drained = await work.drained(timeoutMs);
        for (const fn of shutdownHooks) {
          try {
            await fn();
          } catch (err) {
            warner.once('OBS_WARN_COLLECT_FAILED', 'shutdown', `a shutdown callback failed: ${err instanceof Error ? err.message : String(err)}.`);
          }
        }
        if (captureProcessErrors) process.off('uncaughtExceptionMonitor', processListener);
        for (const c of collectors) c.stop?.();
        return drained;
      })();
      return shutdownPromise;
    },
  };
}
