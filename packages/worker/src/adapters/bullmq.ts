import { type Obs, ObsError, QUEUE_STATES, rejectUnknownKeys } from '@obs/metrics-standard';
import type { Job, JobType, Queue, Worker } from 'bullmq';
import type { TaskRun } from '../task-run.js';
import { asWorkerMetrics, type WorkerMetrics } from '../worker-metrics.js';

/** Options of {@link instrumentBullMQWorker}. */
export interface BullMQWorkerOptions<D = unknown, R = unknown, N extends string = string> {
  /** The `queue` label. Default: the worker's queue name (`worker.name`). */
  queue?: string;
  /** The `task` label of a job. Default: the job's name (`job.name`). Keep it bounded: never a job id. */
  task?: (job: Job<D, R, N>) => string;
  /** Count the worker's `error` events (e.g. a lost Redis connection) in `service_errors_total{type}`, and warn once (`OBS_WARN_QUEUE_ERROR`) with the first one's message. Default: true. */
  recordErrors?: boolean;
  /** Close the worker when `shutdown()` is called: `worker.close()` (active jobs finish first), or `worker.close(true)` when none is running. Default: true. */
  closeOnShutdown?: boolean;
}

/** Options of {@link instrumentBullMQQueue}. */
export interface BullMQQueueOptions {
  /** The `queue` label. Default: the queue's name (`queue.name`). */
  queue?: string;
  /** The job states counted (BullMQ `getJobCounts` types). Default: `QUEUE_STATES` (waiting, active, delayed, failed, completed, paused, prioritized, waiting-children). */
  states?: readonly JobType[];
}

function seconds(job: Job | undefined): number | undefined {
  const start = job?.processedOn;
  const end = job?.finishedOn;
  return typeof start === 'number' && typeof end === 'number' && end >= start ? (end - start) / 1000 : undefined;
}

/**
 * Instrument a BullMQ `Worker` with one call, from its own events: `active` starts a task run
 * (`worker_tasks_in_progress` +1, one unit of `obs.work`), then `completed` or `failed` for the
 * same job ends it as `success` or `failure` with its duration (this process's monotonic clock
 * from `active` to the outcome event) and, on failure, the error's type in
 * `service_errors_total`. Each attempt of a job counts once; a retried job counts each failed
 * attempt. A run whose outcome BullMQ will never report (the job stalled, the worker closed) is
 * released from "in progress" without being counted. Returns a function that detaches the
 * listeners. No runtime import of bullmq: only its types.
 *
 * @example
 * import { Worker } from 'bullmq';
 * import { instrumentBullMQWorker } from '@obs/worker/bullmq';
 * const worker = new Worker('emails', processor, { connection, concurrency: 10 });
 * instrumentBullMQWorker(wm, worker);
 */
export function instrumentBullMQWorker<D, R, N extends string>(
  metrics: WorkerMetrics | Obs,
  worker: Worker<D, R, N>,
  options: BullMQWorkerOptions<D, R, N> = {},
): () => void {
  const wm = asWorkerMetrics(metrics);
  if (worker === null || typeof worker !== 'object' || typeof worker.on !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'worker', worker, 'expected a BullMQ Worker');
  }
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['queue', 'task', 'recordErrors', 'closeOnShutdown']);
  const queue = options.queue ?? worker.name;
  if (typeof queue !== 'string' || queue === '') throw new ObsError('OBS_ERR_INVALID_OPTION', 'queue', queue, 'expected a non-empty string');
  if (options.task !== undefined && typeof options.task !== 'function') throw new ObsError('OBS_ERR_INVALID_OPTION', 'task', options.task, 'expected a function (job) => string');
  const taskOf = options.task ?? ((job: Job<D, R, N>) => job.name);
  const taskName = (job: Job<D, R, N> | undefined): string => {
    if (job === undefined) return 'unknown';
    try {
      const t = taskOf(job);
      return typeof t === 'string' && t !== '' ? t : 'unknown';
    } catch {
      return 'unknown';
    }
  };

  // Keyed by the Job object: BullMQ passes the same instance to `active` and to the outcome event,
  // and a job id can be in flight twice (a stalled job picked up again while the old run ends).
  const runs = new Map<Job<D, R, N>, TaskRun>();
  // Job objects whose outcome was counted: a second outcome event for the same object counts nothing.
  const ended = new WeakSet<Job<D, R, N>>();
  wm.declareQueue(queue);

  const onActive = (job: Job<D, R, N>) => {
    runs.get(job)?.abandon();
    runs.set(job, wm.begin({ queue, task: taskName(job) }));
  };
  const finish = (job: Job<D, R, N> | undefined, error: Error | undefined, failed: boolean) => {
    if (job) {
      if (ended.has(job)) return;
      ended.add(job);
    }
    let run = job ? runs.get(job) : undefined;
    const ownClock = run !== undefined;
    if (job && run) runs.delete(job);
    // An outcome without a seen `active` (listeners attached mid-job): count it, timed from the job's timestamps.
    run ??= wm.begin({ queue, task: taskName(job) });
    const o = ownClock ? undefined : { seconds: seconds(job) ?? 0 };
    if (failed) run.failure(error, o);
    else run.success(o);
  };
  const onCompleted = (job: Job<D, R, N>) => finish(job, undefined, false);
  const onFailed = (job: Job<D, R, N> | undefined, error: Error) => finish(job, error, true);
  const onStalled = (jobId: string) => {
    for (const [job, run] of runs) {
      if (job.id === jobId) {
        run.abandon();
        runs.delete(job);
      }
    }
  };
  const releaseAll = () => {
    for (const run of runs.values()) run.abandon();
    runs.clear();
  };
  const onError = (err: Error) => {
    wm.obs.errors.record(err);
    // Counted every time; told once, with the cause (e.g. Redis refusing the connection).
    wm.obs.context.warner.once('OBS_WARN_QUEUE_ERROR', `bullmq:${worker.name}`, `the BullMQ worker of queue "${worker.name}" emitted an error: ${err instanceof Error ? err.message : String(err)}.`);
  };

  worker.on('active', onActive);
  worker.on('completed', onCompleted);
  worker.on('failed', onFailed);
  worker.on('stalled', onStalled);
  worker.on('closed', releaseAll);
  const recordErrors = options.recordErrors ?? true;
  if (recordErrors) worker.on('error', onError);
  let attached = true;
  if (options.closeOnShutdown ?? true) {
    // With jobs running, close() lets them finish (their outcomes are counted). With none, close
    // at once (force): a graceful close waits for Redis, which hangs shutdown while Redis is away.
    wm.onClose(async () => {
      if (attached) await worker.close(runs.size === 0);
    });
  }

  return () => {
    if (!attached) return;
    attached = false;
    worker.off('active', onActive);
    worker.off('completed', onCompleted);
    worker.off('failed', onFailed);
    worker.off('stalled', onStalled);
    worker.off('closed', releaseAll);
    if (recordErrors) worker.off('error', onError);
    releaseAll();
  };
}

/**
 * Expose a BullMQ `Queue`'s job counts by state (`queue.getJobCounts(...states)`, one Redis
 * round trip) as `worker_queue_size{queue,state}`, sampled at scrape time with the queue-size
 * timeout. While Redis is unreachable the queue's series are absent and each failed scrape counts
 * `service_errors_total{type="queue_size_failed"}`. Returns a function that unregisters it.
 *
 * @example
 * import { Queue } from 'bullmq';
 * import { instrumentBullMQQueue } from '@obs/worker/bullmq';
 * instrumentBullMQQueue(wm, new Queue('emails', { connection }));
 */
export function instrumentBullMQQueue(
  metrics: WorkerMetrics | Obs,
  queue: Pick<Queue, 'name' | 'getJobCounts'>,
  options: BullMQQueueOptions = {},
): () => void {
  const wm = asWorkerMetrics(metrics);
  if (queue === null || typeof queue !== 'object' || typeof queue.getJobCounts !== 'function') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'queue', queue, 'expected a BullMQ Queue');
  }
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, ['queue', 'states']);
  const states = options.states ?? (QUEUE_STATES as readonly JobType[]);
  if (!Array.isArray(states) || states.length === 0 || states.some((s) => typeof s !== 'string' || s === '')) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'states', states, 'expected a non-empty array of BullMQ job states');
  }
  const name = options.queue ?? queue.name;
  return wm.addQueueSizeSource(name, () => queue.getJobCounts(...states));
}
