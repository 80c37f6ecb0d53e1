import { LABELS } from './labels.js';
import type { MetricDefinition } from './types.js';

/** Default request-duration buckets (seconds), 5 ms to 10 s; 1 s is required by HighAPILatency. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** HTTP server metrics of the contract. */
export const HTTP_METRICS = {
  requestsTotal: {
    name: 'http_requests_total',
    type: 'counter',
    help: 'HTTP requests handled, counted once when the response finishes or the client aborts.',
    unit: 'requests',
    labels: [LABELS.service, LABELS.method, LABELS.path, LABELS.status],
    group: 'http',
  },
  requestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration in seconds, from the first byte received to the response finished.',
    unit: 'seconds',
    labels: [LABELS.service, LABELS.method, LABELS.path],
    buckets: HTTP_DURATION_BUCKETS,
    requiredBuckets: [1],
    group: 'http',
  },
  requestsInFlight: {
    name: 'http_requests_in_flight',
    type: 'gauge',
    help: 'HTTP requests currently being handled.',
    unit: 'requests',
    labels: [LABELS.service],
    aggregator: 'sum',
    group: 'http',
  },
} as const satisfies Record<string, MetricDefinition>;
