import { describe, expect, it } from 'vitest';
import { CONTRACT_METRICS, EXPORTER_METRICS, EXPORTERS } from '../src/index.js';

describe('exporter definitions', () => {
  it('are not part of the contract and never reuse a contract name', () => {
    const contract = new Set(CONTRACT_METRICS.map((d) => d.name));
    for (const d of EXPORTER_METRICS) expect(contract.has(d.name), d.name).toBe(false);
  });

  // No `_total` rule: postgres_exporter's pg_stat_database_* counters really lack the suffix.
  it('spell every metric once, with valid Prometheus names and labels', () => {
    const names = EXPORTER_METRICS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of EXPORTER_METRICS) {
      expect(d.name, d.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      for (const l of d.labels) expect(l, `${d.name}{${l}}`).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      expect(d.help.length, d.name).toBeGreaterThan(0);
    }
  });

  it('group each definition under the exporter that emits it', () => {
    expect(EXPORTERS.nodeExporter.cpuSecondsTotal.labels).toEqual(['cpu', 'mode']);
    const groups = new Set(EXPORTER_METRICS.map((d) => d.group));
    expect([...groups].sort()).toEqual(
      ['cadvisor', 'kube-state-metrics', 'node_exporter', 'postgres_exporter', 'prometheus', 'rabbitmq', 'redis_exporter'],
    );
  });
});
