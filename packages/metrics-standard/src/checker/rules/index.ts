import { cardinality } from './cardinality.js';
import { histogramBuckets } from './histogram-buckets.js';
import { httpMethod } from './http-method.js';
import { httpStatus } from './http-status.js';
import { metricLabels } from './metric-labels.js';
import { metricTypes } from './metric-types.js';
import { metricUnits } from './metric-units.js';
import { pathTemplates } from './path-templates.js';
import { requiredMetrics } from './required-metrics.js';
import { serviceLabel } from './service-label.js';
import { serviceValue } from './service-value.js';
import { taskStatus } from './task-status.js';
import type { Rule } from './types.js';

export type { Rule, RuleResult } from './types.js';
export { MAX_EXAMPLES } from './types.js';
export { rawPathReason } from './path-templates.js';

/** Every rule, in report order. Adding a rule is a new file plus one line here. */
export const RULES: readonly Rule[] = [
  requiredMetrics,
  metricTypes,
  metricUnits,
  metricLabels,
  serviceLabel,
  serviceValue,
  histogramBuckets,
  pathTemplates,
  httpMethod,
  httpStatus,
  taskStatus,
  cardinality,
];
