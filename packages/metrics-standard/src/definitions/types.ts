/** Prometheus metric types used by the contract and by external exporter definitions. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/**
 * How a gauge is combined across Node `cluster` workers (prom-client's aggregators).
 * Counters and histograms are always summed.
 */
export type ClusterAggregator = 'sum' | 'first' | 'min' | 'max' | 'average' | 'omit';

/**
 * One metric, described as data. The contract's own metrics and the external exporters'
 * (node_exporter, cAdvisor, …) use this same shape, so one generator can build dashboards and
 * rules for both.
 *
 * @example
 * const def = { name: 'vm_running', type: 'gauge', help: 'Running VMs.', unit: 'vms', labels: ['service'] } as const satisfies MetricDefinition;
 */
export interface MetricDefinition {
  /** The exposition name, e.g. `http_requests_total`. */
  readonly name: string;
  /** Prometheus type as it appears on the `# TYPE` line. */
  readonly type: MetricType;
  /** The `# HELP` text. */
  readonly help: string;
  /**
   * Base unit (`seconds`, `bytes`, `percent`, `cores`, `ratio`, …) or a count noun
   * (`requests`, `errors`, `tasks`) for dimensionless counters. Dashboards map it to a Grafana unit.
   */
  readonly unit: string;
  /** Every label the series carries, including `service` for contract metrics. */
  readonly labels: readonly string[];
  /** Default histogram buckets (upper bounds, seconds), ascending. */
  readonly buckets?: readonly number[];
  /** Bucket bounds that alerts rely on: overrides must keep them, and the checker requires them. */
  readonly requiredBuckets?: readonly number[];
  /** For gauges: how values from several cluster workers are combined. */
  readonly aggregator?: ClusterAggregator;
  /** The contract group, or the exporter that emits the metric. */
  readonly group: string;
  /** True when the series only exists under some condition (e.g. a cgroup limit is set). */
  readonly optional?: boolean;
}
