// Traces and logs from the dashboards: latency panels ask for exemplars, the provisioned
// Prometheus data source links an exemplar's trace_id to Tempo, the Service dashboard's Logs link
// queries {service="$service"} on the `loki` variable; all configurable, `false` removes them.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, resolveConfig } from '../src/index.js';

interface Variable {
  name: string;
  type: string;
  query?: string;
  current?: { value?: string };
}
interface Dashboard {
  templating: { list: Variable[] };
  links: Array<{ title: string; url?: string }>;
  panels: Array<{ type: string; title?: string; panels?: Dashboard['panels']; targets?: Array<{ expr?: string; exemplar?: boolean }> }>;
}

function out(config: Parameters<typeof resolveConfig>[0]) {
  const files = generate(resolveConfig(config));
  const dash = (name: string) => JSON.parse(files.get(`grafana/dashboards/${name}.json`) as string) as Dashboard;
  const ds = parse(files.get('grafana/provisioning/datasources/prometheus.yml') as string) as { datasources: Array<{ jsonData: Record<string, unknown> }> };
  return { dash, jsonData: ds.datasources[0]?.jsonData ?? {} };
}

const panels = (d: Dashboard) => d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
const linked = (d: Dashboard) => d.templating.list.filter((v) => v.type === 'datasource' && v.query !== 'prometheus').map((v) => [v.name, v.query, v.current?.value]);

describe('exemplars and logs links', () => {
  it('defaults: Tempo and Loki variables, exemplars on the latency quantiles, trace_id → Tempo in provisioning', () => {
    const { dash, jsonData } = out({});
    expect(linked(dash('service'))).toEqual([
      ['tempo', 'tempo', 'tempo'],
      ['loki', 'loki', 'loki'],
    ]);
    expect(linked(dash('worker'))).toEqual([['tempo', 'tempo', 'tempo']]);
    expect(jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'tempo' }]);

    for (const [name, metric] of [
      ['service', 'http_request_duration_seconds_bucket'],
      ['worker', 'worker_task_duration_seconds_bucket'],
    ] as const) {
      // Time series panels (a stat's single instant value has no exemplars to show).
      const quantiles = panels(dash(name))
        .filter((p) => p.type === 'timeseries')
        .flatMap((p) => p.targets ?? [])
        .filter((t) => t.expr?.includes('histogram_quantile') && t.expr.includes(metric));
      expect(quantiles.length, name).toBeGreaterThan(0);
      for (const t of quantiles) expect(t.exemplar, `${name}: ${t.expr}`).toBe(true);
    }

    const logs = dash('service').links.find((l) => l.title === 'Logs');
    const left = JSON.parse(decodeURIComponent((logs?.url ?? '').replace(/^\/explore\?left=/, '')));
    expect(left).toMatchObject({ datasource: '$loki', queries: [{ expr: '{service="$service"}' }] });
  });

  it('configurable uids; false drops the variable and the provisioning link', () => {
    const custom = out({ grafana: { tempo: { uid: 'traces-eu' }, loki: { uid: 'logs-eu' } } });
    expect(linked(custom.dash('service'))).toEqual([
      ['tempo', 'tempo', 'traces-eu'],
      ['loki', 'loki', 'logs-eu'],
    ]);
    expect(custom.jsonData.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'traces-eu' }]);

    const off = out({ grafana: { tempo: false, loki: false } });
    expect(linked(off.dash('service'))).toEqual([]);
    expect(linked(off.dash('worker'))).toEqual([]);
    expect(off.jsonData.exemplarTraceIdDestinations).toBeUndefined();
  });

  it('rejects a bad uid or an unknown field with the config error naming it', () => {
    expect(() => resolveConfig({ grafana: { tempo: { uid: 'has space' } } })).toThrow(/OBS_ERR_INVALID_CONFIG.*grafana\.tempo\.uid/s);
    expect(() => resolveConfig({ grafana: { loki: { url: 'x' } as never } })).toThrow(/OBS_ERR_INVALID_CONFIG.*grafana\.loki\.url/s);
  });
});
