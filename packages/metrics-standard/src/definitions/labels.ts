/** Label names of the contract, spelled once. */
export const LABELS = {
  service: 'service',
  method: 'method',
  path: 'path',
  status: 'status',
  type: 'type',
  queue: 'queue',
  task: 'task',
  state: 'state',
  version: 'version',
  env: 'env',
  sdk: 'sdk',
  le: 'le',
} as const;

/** The `path` value of every request that matched no route: one series, however many URLs. */
export const UNMATCHED_PATH = '<unmatched>';

/** The value that replaces label values once a metric reaches its cardinality cap. */
export const OVERFLOW_VALUE = '<overflow>';

/** The `status` of a request the client aborted before the response finished (nginx's convention). */
export const ABORTED_STATUS = '499';

/** Methods recorded as themselves; anything else is recorded as {@link OTHER_METHOD}. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** The `method` value of a non-standard HTTP method. */
export const OTHER_METHOD = 'OTHER';

/** `worker_tasks_total{status}` values. */
export const TASK_STATUS = { success: 'success', failure: 'failure' } as const;

/** `worker_queue_size{state}` values the adapters report (BullMQ's job states). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused', 'prioritized', 'waiting-children'] as const;

/** The `service_errors_total{type}` value of errors counted from error-level log lines. */
export const LOGGED_ERROR_TYPE = 'logged_error';

/** The `service_errors_total{type}` value for types past the cap or impossible to name. */
export const OTHER_ERROR_TYPE = 'other';

/** `^[a-z][a-z0-9_-]{0,62}$`: what a `service` label value must match. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
