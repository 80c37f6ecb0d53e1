import { TASK_STATUS, type WORKER_METRICS } from '@obs/metrics-standard';
import type { CounterChild, GaugeChild, HistogramChild, ObsCounter, ObsGauge, ObsHistogram, WorkTracker } from '@obs/metrics-standard';

/** The `queue` and `task` labels of one task. */
export interface TaskLabels {
  /** The queue (or topic, or consumer group) the task came from, e.g. `"emails"`. */
  queue: string;
  /** The kind of task, e.g. `"send-welcome"`. Keep it bounded: a job name, never a job id. */
  task: string;
}

/** Options of {@link TaskRun.success} and {@link TaskRun.failure}. */
export interface FinishOptions {
  /** The task's duration in seconds, when the caller measured it itself. Default: the time since `begin()`. */
  seconds?: number;
}

/**
 * One task being processed, from {@link WorkerMetrics.begin} until exactly one of `success()`,
 * `failure()` or `abandon()`; later calls are ignored (and return false), so an outcome is never
 * counted twice.
 */
export interface TaskRun {
  /** The labels the run records under. */
  readonly labels: Readonly<TaskLabels>;
  /** True once the run has ended one way or another. */
  readonly done: boolean;
  /** Count the task as `success` and observe its duration. */
  success(options?: FinishOptions): boolean;
  /** Count the task as `failure`, observe its duration and count `error`'s type in `service_errors_total`. */
  failure(error?: unknown, options?: FinishOptions): boolean;
  /** Stop counting the task as in progress without an outcome (its result will never be known here). */
  abandon(): boolean;
}

/** The instruments a run records into (shared by every run of one WorkerMetrics). */
export interface TaskInstruments {
  total: ObsCounter<typeof WORKER_METRICS.tasksTotal>;
  duration: ObsHistogram<typeof WORKER_METRICS.taskDuration>;
  inProgress: ObsGauge<typeof WORKER_METRICS.tasksInProgress>;
  work: WorkTracker;
  recordError(error: unknown): void;
}

interface Children {
  success: CounterChild;
  failure: CounterChild;
  duration: HistogramChild;
  inProgress: GaugeChild;
}

const SEP = '\u0001';

/** Caches the labelled children of one (queue, task) pair so a run costs no label lookups. */
export class TaskChildren {
  private readonly cache = new Map<string, Children>();

  constructor(private readonly inst: TaskInstruments) {}

  get(queue: string, task: string): Children {
    const key = queue + SEP + task;
    let c = this.cache.get(key);
    if (c === undefined) {
      const { total, duration, inProgress } = this.inst;
      c = {
        success: total.labels(queue, task, TASK_STATUS.success),
        failure: total.labels(queue, task, TASK_STATUS.failure),
        duration: duration.labels(queue, task),
        inProgress: inProgress.labels(queue),
      };
      // Overflowed label sets share one child each; caching them under this key is harmless but unbounded.
      if (!total.isOverflow(c.success) && !duration.isOverflow(c.duration)) this.cache.set(key, c);
    }
    return c;
  }

  /** Start a run: in progress +1 and one unit of `obs.work`. */
  begin(labels: TaskLabels): TaskRun {
    const queue = String(labels.queue);
    const task = String(labels.task);
    const children = this.get(queue, task);
    const { work, recordError } = this.inst;
    const started = performance.now();
    let done = false;
    children.inProgress.inc();
    work.begin();
    const end = (): boolean => {
      if (done) return false;
      done = true;
      children.inProgress.dec();
      work.end();
      return true;
    };
    const seconds = (o?: FinishOptions) => {
      const s = o?.seconds;
      return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? s : (performance.now() - started) / 1000;
    };
    return {
      labels: { queue, task },
      get done() {
        return done;
      },
      success(o) {
        if (!end()) return false;
        children.success.inc();
        children.duration.observe(seconds(o));
        return true;
      },
      failure(error, o) {
        if (!end()) return false;
        children.failure.inc();
        children.duration.observe(seconds(o));
        recordError(error);
        return true;
      },
      abandon: end,
    };
  }
}
