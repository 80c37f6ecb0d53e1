/**
 * Every PromQL expression in every generated artifact parses with Prometheus's own grammar and
 * selects only metrics of the definitions (contract, exporters, domain metrics) or series that a
 * recording rule of the packs writes. The parse trees are walked; there is no hand-written list.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generate, resolveConfig } from '../src/index.js';
import { definedSeries, lintExpression, variableSelector } from './lib/promql.js';

interface Rule { record?: string; alert?: string; expr: string }

function collect(config: Parameters<typeof resolveConfig>[0]) {
  const cfg = resolveConfig(config);
  const files = generate(cfg);
  const exprs: { where: string; expr: string; dashboard: boolean }[] = [];
  const recorded: string[] = [];
  const addRules = (where: string, groups: { rules?: Rule[] }[] | undefined) => {
    for (const g of groups ?? []) for (const r of g.rules ?? []) {
      if (r.record) recorded.push(r.record);
      exprs.push({ where: `${where} ${r.record ?? r.alert}`, expr: String(r.expr), dashboard: false });
    }
  };
  const addDashboard = (where: string, json: string) => {
    const d = JSON.parse(json) as { panels: { type: string; title: string; targets?: { expr: string }[]; panels?: unknown[] }[]; templating: { list: { type: string; name: string; query?: unknown }[] } };
    for (const p of d.panels) for (const t of p.targets ?? []) exprs.push({ where: `${where} ${p.title}`, expr: t.expr, dashboard: true });
    for (const v of d.templating.list) if (v.type === 'query') exprs.push({ where: `${where} $${v.name}`, expr: variableSelector(String(v.query)), dashboard: true });
  };
  for (const [path, content] of files) {
    if (path.startsWith('prometheus/rules/')) addRules(path, (parseAllDocuments(content)[0]!.toJS() as { groups?: { rules?: Rule[] }[] }).groups);
    else if (path.startsWith('grafana/dashboards/')) addDashboard(path, content);
    else if (path.endsWith('.yaml') && path.startsWith('kubernetes/')) {
      for (const doc of parseAllDocuments(content)) {
        const obj = doc.toJS() as { kind?: string; spec?: { groups?: { rules?: Rule[] }[] }; data?: Record<string, string> } | null;
        if (obj?.kind === 'PrometheusRule') addRules(path, obj.spec?.groups);
        if (obj?.kind === 'ConfigMap') for (const [k, v] of Object.entries(obj.data ?? {})) addDashboard(`${path} ${k}`, v);
      }
    }
  }
  return { exprs, defined: definedSeries(cfg.domain.metrics, recorded), files };
}

describe.each([
  ['defaults', {}],
  [
    'a domain metric with an alert',
    {
      domain: {
        metrics: [{ name: 'vm_running', type: 'gauge' as const, help: 'Virtual machines running.', unit: 'vms', labels: ['service'] }],
        alerts: [{ name: 'NoVMsRunning', metric: 'vm_running', op: '<' as const, threshold: 1, for: '5m', severity: 'warning' as const }],
      },
    },
  ],
  ['multiCluster', { multiCluster: true }],
] as const)('PromQL in every artifact (%s)', (_, config) => {
  const { exprs, defined, files } = collect(config);

  it('finds expressions in dashboards, ConfigMaps, rule files and PrometheusRules', () => {
    const kinds = new Set(exprs.map((e) => e.where.split('/')[0]));
    expect(kinds).toEqual(new Set(['grafana', 'prometheus', 'kubernetes']));
    expect(exprs.filter((e) => !e.dashboard).length).toBeGreaterThan(20);
  });

  it('every expression parses and selects only defined metrics (counters inside rate/increase)', () => {
    const problems = exprs.flatMap((e) => lintExpression(e.expr, defined, { requireRateInterval: e.dashboard }).map((p) => `${e.where}: ${p}`));
    expect(problems).toEqual([]);
  });

  if ('domain' in config) {
    it('the domain gauge gets its panel and its alert', () => {
      const service = files.get('grafana/dashboards/service.json')!;
      expect(service).toMatch(/vm_running\{service=~\\"\$service\\"/);
      const alert = exprs.find((e) => e.where.includes('NoVMsRunning'));
      expect(alert?.expr).toMatch(/\bvm_running\b/);
    });
  }
});
