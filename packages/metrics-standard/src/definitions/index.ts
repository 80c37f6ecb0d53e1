import { HTTP_METRICS } from './http.js';
import { RUNTIME_METRICS } from './runtime.js';
import { RESOURCE_METRICS, SERVICE_METRICS } from './service.js';
import type { MetricDefinition } from './types.js';
import { WORKER_METRICS } from './worker.js';

export * from './exporters/index.js';
export * from './http.js';
export * from './labels.js';
export * from './runtime.js';
export * from './service.js';
export * from './types.js';
export * from './worker.js';

/** The contract's version, exposed as `service_info{sdk}` and checked by `obs-contract`. */
export const CONTRACT_VERSION = '1.0.0';

/** Every metric group of the contract, by name. */
export const CONTRACT = {
  http: HTTP_METRICS,
  service: SERVICE_METRICS,
  resources: RESOURCE_METRICS,
  worker: WORKER_METRICS,
  runtime: RUNTIME_METRICS,
} as const;

/** Every metric definition of the contract (runtime metrics included), in a flat list. */
export const CONTRACT_METRICS: readonly MetricDefinition[] = Object.values(CONTRACT).flatMap((group) =>
  Object.values(group),
);

/** The contract definition with this exposition name, or `undefined`. */
export function findDefinition(name: string): MetricDefinition | undefined {
  return CONTRACT_METRICS.find((d) => d.name === name);
}
