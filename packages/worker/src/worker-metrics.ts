import {
  createObs,
  describeReceived,
  type MetricsServer,
  type MetricsServerOptions,
  type Obs,
  ObsError,
  type ObsGauge,
  type ObsOptions,
  rejectUnknownKeys,
  startMetricsServer,
  WORKER_METRICS,
} from '@obs/metrics-standard';
import { DEFAULT_QUEUE_SIZE_TIMEOUT_MS, QUEUE_SIZE_FAILED_ERROR_TYPE, type QueueSizeSource, QueueSizeSampler } from './queue-size.js';
import { type TaskLabels, TaskChildren, type TaskRun } from './task-run.js';

/** Options of {@link createWorkerMetrics}. */
export interface WorkerMetricsOptions {
  /** How long a queue-size source may take at scrape time before its series are left out of that scrape (ms). Default: 2000. */
  queueSizeTimeoutMs?: number;
}

/** Options of {@link WorkerMetrics.wrap} and {@link WorkerMetrics.track}. */
export interface WrapOptions<A extends unknown[] = unknown[]> {
  /** The `queue` label. Required. */
  queue: string;
  /** The `task` label, or a function of the handler's arguments returning it (e.g. `(msg) => msg.type`). Required. */
  task: string | ((...args: A) => string);
}

/** Options of {@link WorkerMetrics.shutdown}. */
export interface WorkerShutdownOptions {
  /** How long to wait for in-progress tasks (and for closing the queue consumers). Default: 10 000 ms. */
  timeoutMs?: number;
}

/**
 * Worker instrumentation on one {@link Obs}: task outcomes, durations, tasks in progress and queue
 * sizes sampled at scrape time, plus a metrics server and a graceful shutdown. Create it with
 * {@link createWorkerMetrics}.
 */
export interface WorkerMetrics {
  /** The instrumented service (shared with any HTTP integration of the same process). */
  readonly obs: Obs;
  /**
   * Wrap a job handler: the returned function calls `handler` with the same `this` and arguments and
   * returns exactly what it returns (the same value, the same promise object for a native promise,
   * synchronously for a synchronous handler) and throws or rejects with the very same error; each
   * call is counted as `success` or `failure`, timed, and kept in `worker_tasks_in_progress` and
   * `obs.work` while it runs.
   *
   * @example
   * const send = wm.wrap(async (job) => mailer.send(job.to), { queue: 'emails', task: 'send' });
   */
  wrap<A extends unknown[], R>(handler: (...args: A) => R, options: WrapOptions<A>): (...args: A) => R;
  /**
   * Run `fn` now as one task and return its result unchanged (see {@link WorkerMetrics.wrap}).
   *
   * @example
   * channel.consume('emails', (msg) => wm.track({ queue: 'emails', task: 'send' }, () => handle(msg)));
   */
  track<R>(labels: TaskLabels, fn: () => R): R;
  /**
   * Start one task by hand, for consumers that report outcomes through events; end it with exactly
   * one of `success()`, `failure(err)` or `abandon()` (later calls are ignored).
   *
   * @example
   * const run = wm.begin({ queue: 'emails', task: 'send' });
   * consumer.once('done', () => run.success());
   * consumer.once('error', (err) => run.failure(err));
   */
  begin(labels: TaskLabels): TaskRun;
  /**
   * Register the queue-size source of `queue`: called at every scrape (with a timeout, concurrently
   * with the other sources) and exposed as `worker_queue_size{queue,state}`. Returns a function
   * that unregisters it and removes its series. One source per queue name.
   *
   * @example
   * wm.addQueueSizeSource('emails', async () => ({ waiting: await redis.llen('emails') }));
   */
  addQueueSizeSource(queue: string, source: QueueSizeSource): () => void;
  /**
   * Show `queue` in `worker_tasks_in_progress` (at 0) before its first task, so dashboards and
   * alerts see the queue from start-up.
   */
  declareQueue(queue: string): void;
  /**
   * Register a function that stops taking new tasks and resolves when the current ones are done
   * (e.g. BullMQ's `worker.close()`); {@link WorkerMetrics.shutdown} calls it first.
   */
  onClose(fn: () => void | Promise<void>): void;
  /**
   * Serve `/metrics` on its own port for a worker that has no HTTP server (the core's
   * `startMetricsServer`, with the same token / allowlist options). It keeps answering during the
   * shutdown drain and closes when it ends.
   *
   * @example
   * const server = await wm.serve({ host: '0.0.0.0', token: process.env.METRICS_TOKEN });
   */
  serve(options?: MetricsServerOptions): Promise<MetricsServer>;
  /**
   * Graceful shutdown: calls every `onClose` function (the consumers stop taking tasks and finish
   * the current ones), sets `service_up` to 0 and waits (up to `timeoutMs`) for in-progress tasks
   * through `obs.shutdown()`, which then closes the metrics server. Resolves true when everything
   * drained in time. Idempotent.
   *
   * @example
   * process.once('SIGTERM', async () => process.exit((await wm.shutdown()) ? 0 : 1));
   */
  shutdown(options?: WorkerShutdownOptions): Promise<boolean>;
}

// One WorkerMetrics per Obs, shared by every copy of this module (the `.` and `./bullmq` bundles,
// ESM and CommonJS), so that instrumenting the same obs twice never registers the metrics twice.
const INSTANCES = Symbol.for('@obs/worker.instances');
const holder = globalThis as Record<symbol, WeakMap<Obs, WorkerMetrics> | undefined>;
holder[INSTANCES] ??= new WeakMap<Obs, WorkerMetrics>();
const instances: WeakMap<Obs, WorkerMetrics> = holder[INSTANCES];

function isObs(value: unknown): value is Obs {
  const v = value as Partial<Obs> | null;
  return typeof v === 'object' && v !== null && typeof v.counter === 'function' && typeof v.shutdown === 'function' && typeof v.work === 'object';
}

function label(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ObsError('OBS_ERR_INVALID_OPTION', option, value, 'expected a non-empty string');
  return value;
}

function checkOptions(options: unknown): { queueSizeTimeoutMs: number } {
  if (options === undefined) return { queueSizeTimeoutMs: DEFAULT_QUEUE_SIZE_TIMEOUT_MS };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['queueSizeTimeoutMs']);
  const t = (options as WorkerMetricsOptions).queueSizeTimeoutMs;
  if (t === undefined) return { queueSizeTimeoutMs: DEFAULT_QUEUE_SIZE_TIMEOUT_MS };
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 60_000) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'queueSizeTimeoutMs', t, 'expected an integer number of milliseconds from 1 to 60000');
  }
  return { queueSizeTimeoutMs: t };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Run `fn` as the task `run`: its result and errors pass through unchanged. A native promise is
 * returned as is (the outcome is recorded by a handler attached before the caller's); any other
 * thenable is adopted once with `Promise.resolve` (so a lazy thenable does not run twice).
 */
function runTask<R>(run: TaskRun, fn: () => R): R {
  let result: R;
  try {
    result = fn();
  } catch (err) {
    run.failure(err);
    throw err;
  }
  if (!isThenable(result)) {
    run.success();
    return result;
  }
  if (result instanceof Promise) {
    result.then(
      () => run.success(),
      (err: unknown) => run.failure(err),
    );
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      run.success();
      return value;
    },
    (err: unknown) => {
      run.failure(err);
      throw err;
    },
  ) as R;
}

/**
 * Create the worker instrumentation of a service, from an existing `obs` (to share one registry
 * with an HTTP integration) or from {@link ObsOptions}. Registers `worker_tasks_total`,
 * `worker_task_duration_seconds` (buckets: `obs.buckets.worker` or the contract's),
 * `worker_tasks_in_progress` and `worker_queue_size`. Calling it again with the same `obs` returns
 * the same instance. Throws a coded `ObsError` on bad options.
 *
 * @example
 * import { createObs } from '@obs/metrics-standard';
 * import { createWorkerMetrics } from '@obs/worker';
 * const obs = createObs({ service: 'mailer' });
 * const wm = createWorkerMetrics(obs);
 * const handle = wm.wrap(async (job) => send(job), { queue: 'emails', task: 'send' });
 * await wm.serve(); // http://127.0.0.1:9464/metrics
 */
export function createWorkerMetrics(obsOrOptions: Obs | ObsOptions, options?: WorkerMetricsOptions): WorkerMetrics {
  const opts = checkOptions(options);
  if (isObs(obsOrOptions)) {
    const existing = instances.get(obsOrOptions);
    if (existing) {
      if (options !== undefined && (existing as WorkerMetrics & { timeoutMs: number }).timeoutMs !== opts.queueSizeTimeoutMs) {
        throw new ObsError('OBS_ERR_ALREADY_REGISTERED', 'queueSizeTimeoutMs', opts.queueSizeTimeoutMs, 'this obs already has worker metrics with other options; call createWorkerMetrics once per obs');
      }
      return existing;
    }
  }
  const obs = isObs(obsOrOptions) ? obsOrOptions : createObs(obsOrOptions);
  const warner = obs.context.warner;

  const total = obs.counter(WORKER_METRICS.tasksTotal);
  // Exemplars: the span active when a run ends (the job's span inside the processor's context).
  const duration = obs.histogram(WORKER_METRICS.taskDuration, obs.buckets.worker ? { buckets: obs.buckets.worker, exemplars: true } : { exemplars: true });
  const inProgress = obs.gauge(WORKER_METRICS.tasksInProgress);
  let queueSize: ObsGauge<typeof WORKER_METRICS.queueSize> | undefined;
  const sampler = new QueueSizeSampler(
    () => queueSize!,
    opts.queueSizeTimeoutMs,
    warner,
    () => obs.errors.record(QUEUE_SIZE_FAILED_ERROR_TYPE),
  );
  queueSize = obs.gauge(WORKER_METRICS.queueSize, { collect: sampler.collect });

  const children = new TaskChildren({ total, duration, inProgress, work: obs.work, recordError: (err) => obs.errors.record(err) });
  const closers: Array<() => void | Promise<void>> = [];
  let shutdownPromise: Promise<boolean> | undefined;

  const taskOf = <A extends unknown[]>(task: WrapOptions<A>['task'], args: A): string => {
    if (typeof task === 'string') return task;
    try {
      const t = task(...args);
      return typeof t === 'string' && t !== '' ? t : String(t);
    } catch {
      warner.once('OBS_WARN_RECORD_FAILED', 'task', 'the `task` function of a wrapped handler threw; the task is recorded as "unknown".');
      return 'unknown';
    }
  };

  /**
   * The labels of `track`/`begin`, called per job: bad ones (missing, empty, not a string or
   * number) must not throw into the consumer, so they are recorded as "unknown" with one warning.
   */
  const labelValue = (value: unknown): string | undefined =>
    (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : undefined;
  const taskLabels = (labels: unknown): TaskLabels => {
    const given = labels !== null && typeof labels === 'object' ? (labels as Partial<Record<keyof TaskLabels, unknown>>) : {};
    const queue = labelValue(given.queue);
    const task = labelValue(given.task);
    if (queue === undefined || task === undefined) {
      warner.once(
        'OBS_WARN_RECORD_FAILED',
        'task-labels',
        `track()/begin() expect { queue, task } as non-empty strings, received ${labels === null || typeof labels !== 'object' ? describeReceived(labels) : `{ queue: ${describeReceived(given.queue)}, task: ${describeReceived(given.task)} }`}; the task is recorded under "unknown".`,
      );
    }
    return { queue: queue ?? 'unknown', task: task ?? 'unknown' };
  };

  const wm: WorkerMetrics & { timeoutMs: number } = {
    obs,
    timeoutMs: opts.queueSizeTimeoutMs,
    wrap(handler, o) {
      if (typeof handler !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'handler', handler, 'expected a function');
      if (o === null || typeof o !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', o, 'expected { queue, task }');
      const queue = label('queue', o.queue);
      const task = typeof o.task === 'function' ? o.task : label('task', o.task);
      if (typeof task === 'string') children.get(queue, task);
      else wm.declareQueue(queue);
      return function wrapped(this: unknown, ...args) {
        const run = children.begin({ queue, task: taskOf(task, args) });
        return runTask(run, () => handler.apply(this, args));
      };
    },
    track(labels, fn) {
      if (typeof fn !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'fn', fn, 'expected a function');
      return runTask(children.begin(taskLabels(labels)), fn);
    },
    begin: (labels) => children.begin(taskLabels(labels)),
    addQueueSizeSource(queue, source) {
      label('queue', queue);
      if (typeof source !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'source', source, 'expected a function returning job counts by state');
      if (sampler.has(queue)) {
        throw new ObsError('OBS_ERR_INVALID_OPTION', 'queue', queue, 'this queue already has a queue-size source; unregister it first or use another queue name');
      }
      return sampler.add(queue, source);
    },
    declareQueue(queue) {
      inProgress.labels(label('queue', queue)).inc(0);
    },
    onClose(fn) {
      if (typeof fn !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'fn', fn, 'expected a function');
      closers.push(fn);
    },
    serve: (o) => startMetricsServer(obs, o),
    shutdown(o = {}) {
      if (shutdownPromise) return shutdownPromise;
      const timeoutMs = o.timeoutMs ?? 10_000;
      if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 0) {
        throw new ObsError('OBS_ERR_INVALID_OPTION', 'timeoutMs', timeoutMs, 'expected a non-negative integer number of milliseconds');
      }
      const deadline = Date.now() + timeoutMs;
      shutdownPromise = (async () => {
        const closing = Promise.allSettled(
          closers.map((fn) =>
            Promise.resolve()
              .then(fn)
              .catch((err: unknown) => {
                warner.once('OBS_WARN_COLLECT_FAILED', 'worker-close', `closing a queue consumer failed: ${err instanceof Error ? err.message : String(err)}.`);
                obs.errors.record(err);
              }),
          ),
        );
        const drained = await obs.shutdown({ timeoutMs });
        let timer: NodeJS.Timeout | undefined;
        const closed = await Promise.race([
          closing.then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
        return drained && closed;
      })();
      return shutdownPromise;
    },
  };
  instances.set(obs, wm);
  return wm;
}

/** A WorkerMetrics as is, or the one of an Obs (`createWorkerMetrics(obs)`): what the adapters accept. For the @obs packages. */
export function asWorkerMetrics(t: WorkerMetrics | Obs): WorkerMetrics {
  if (t !== null && typeof t === 'object' && 'obs' in t && typeof (t as WorkerMetrics).begin === 'function') return t as WorkerMetrics;
  return createWorkerMetrics(t as Obs);
}
