import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { ObsError } from '@obs/metrics-standard';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tool } from '../../../scripts/lib/tools.mjs';
import { errorOf } from '../../../test-utils/errors.mjs';
import { addMatcher, carriesLabel, keepLabelInAggregations } from '../src/promql/cluster.js';
import { generate, type ObsDashboardsConfig, resolveConfig, writeOutput } from '../src/index.js';
import { substituteGrafana } from './lib/promql.js';

// multiCluster: the cluster label reaches every rule and every dashboard query from one place.
// Real promtool, amtool and vmalert (VictoriaMetrics' ruler, -dryRun) through the tool resolver.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function written(config: ObsDashboardsConfig) {
  const files = generate(resolveConfig(config));
  const dir = mkdtempSync(join(tmpdir(), 'obs-multicluster-'));
  dirs.push(dir);
  await writeOutput(dir, files);
  return { files, dir };
}

function run(name: 'promtool' | 'amtool' | 'vmalert', args: string[], cwd?: string) {
  const r = spawnSync(tool(name), args, { encoding: 'utf8', cwd });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every `by`/`on` list and aggregation of an expression, as the real grammar parses it. */
function clauses(expr: string) {
  const source = substituteGrafana(expr);
  const tree = parser.parse(source);
  const text = (n: SyntaxNode) => source.slice(n.from, n.to);
  const out = { errors: 0, by: [] as string[][], on: [] as string[][], bare: [] as string[], selectors: [] as string[] };
  tree.iterate({
    enter: (ref) => {
      const n = ref.node;
      if (n.type.isError) out.errors++;
      if (n.name === 'GroupingLabels' && (n.prevSibling?.name === 'By' || n.prevSibling?.name === 'On')) {
        (n.prevSibling.name === 'By' ? out.by : out.on).push(n.getChildren('LabelName').map(text));
      }
      if (n.name === 'AggregateExpr' && !n.getChild('AggregateModifier')) out.bare.push(text(n));
      if (n.name === 'VectorSelector') out.selectors.push(text(n));
    },
  });
  return out;
}

const rulesOf = (files: Map<string, string>) =>
  [...files].filter(([p]) => p.startsWith('prometheus/rules/')).flatMap(([, c]) => (parse(c) as { groups: { rules: { expr: string; alert?: string; record?: string }[] }[] }).groups.flatMap((g) => g.rules));

describe('the rewrite over the PromQL grammar', () => {
  it('adds the label to every by and on list, and groups bare aggregations by it in rules', () => {
    expect(keepLabelInAggregations('sum by (service) (rate(x[5m])) / on (job) group_left (service) max(y)', 'cluster', true)).toBe(
      'sum by (service, cluster) (rate(x[5m])) / on (job, cluster) group_left (service) max by (cluster) (y)',
    );
    expect(keepLabelInAggregations('sum(x) / sum without (pod) (y) and on () z', 'cluster', false)).toBe('sum(x) / sum without (pod) (y) and on (cluster) z');
    expect(keepLabelInAggregations('sum by (cluster) (x)', 'cluster', true)).toBe('sum by (cluster) (x)');
  });

  it('adds a matcher to every selector, Grafana macros included', () => {
    expect(addMatcher('rate(x[$__rate_interval]) / y{a="b"} + z{}', 'cluster', 'cluster=~"$cluster"')).toBe(
      'rate(x{cluster=~"$cluster"}[$__rate_interval]) / y{a="b", cluster=~"$cluster"} + z{cluster=~"$cluster"}',
    );
    expect(addMatcher('x{cluster="a"}', 'cluster', 'cluster=~"$cluster"')).toBe('x{cluster="a"}');
  });

  it('knows whether a result keeps the label', () => {
    expect(carriesLabel('sum by (service, cluster) (rate(x[5m]))', 'cluster')).toBe(true);
    expect(carriesLabel('sum(rate(x[5m]))', 'cluster')).toBe(false);
    expect(carriesLabel('histogram_quantile(0.95, sum by (le, cluster) (rate(x[5m])))', 'cluster')).toBe(true);
    expect(carriesLabel('(1 - avg by (instance) (x)) * 100', 'cluster')).toBe(false);
  });

  it('refuses an expression it cannot parse rather than splice into it', () => {
    expect(() => keepLabelInAggregations('sum by (a (x)', 'cluster', true)).toThrow(SyntaxError);
  });
});

describe('multiCluster config', () => {
  it('is off by default, and true takes the defaults', () => {
    expect(resolveConfig({}).multiCluster).toBe(false);
    expect(resolveConfig({ multiCluster: true }).multiCluster).toEqual({
      label: 'cluster',
      name: 'cluster-1',
      remoteWriteUrl: 'http://victoria-metrics:8428/api/v1/write',
      missingAfter: '5m',
    });
  });

  it.each([
    [{ multiCluster: 'yes' }, 'multiCluster', /true, false or an object/],
    [{ multiCluster: { lable: 'cluster' } }, 'multiCluster.lable', /did you mean `label`/],
    [{ multiCluster: { label: 'my-cluster' } }, 'multiCluster.label', /label name/],
    [{ multiCluster: { label: 'service' } }, 'multiCluster.label', /already carry a label of this name/],
    [{ multiCluster: { label: '__cluster' } }, 'multiCluster.label', /reserved/],
    [{ multiCluster: { name: 'a"b' } }, 'multiCluster.name', /without quotes/],
    [{ multiCluster: { remoteWriteUrl: 'victoria:8428' } }, 'multiCluster.remoteWriteUrl', /http\(s\) URL/],
    [{ multiCluster: { missingAfter: 'soon' } }, 'multiCluster.missingAfter', /Prometheus duration/],
  ])('%j is a coded error naming %s', (config, option, detail) => {
    const err = errorOf(() => resolveConfig(config as ObsDashboardsConfig), ObsError);
    expect(err.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(err.option).toBe(option);
    expect(err.message).toMatch(detail);
  });
});

describe('multiCluster off', () => {
  it('generates no agent config and no cluster label anywhere', () => {
    const files = generate(resolveConfig({}));
    expect([...files.keys()].filter((p) => /agent|vmagent/.test(p))).toEqual([]);
    for (const r of rulesOf(files)) expect(r.expr).not.toMatch(/\bcluster\b/);
    expect(files.get('alertmanager/alertmanager.yml')).not.toMatch(/\bcluster\b/);
  });
});

describe('multiCluster on', async () => {
  const { files, dir } = await written({ multiCluster: { name: 'east' } });

  it('every rule aggregation and vector match keeps the cluster label', () => {
    const rules = rulesOf(files);
    expect(rules.length).toBeGreaterThan(50);
    for (const r of rules) {
      const c = clauses(r.expr);
      expect(c.errors, r.expr).toBe(0);
      expect(c.bare, `${r.alert ?? r.record}: ${r.expr}`).toEqual([]);
      for (const list of [...c.by, ...c.on]) expect(list, `${r.alert ?? r.record}: ${r.expr}`).toContain('cluster');
    }
    expect(rules.find((r) => r.alert === 'ClusterMissing')?.expr).toBe(
      'group by (cluster) (max_over_time(up[1d])) unless group by (cluster) (max_over_time(up[5m]))',
    );
  });

  it('the rules pass promtool check and the generated promtool tests, whose series and alerts carry the cluster', () => {
    const check = run('promtool', ['check', 'rules', ...[...files.keys()].filter((p) => p.startsWith('prometheus/rules/')).map((p) => join(dir, p))]);
    expect(check.status, check.out).toBe(0);
    const tests = [...files.keys()].filter((p) => p.startsWith('prometheus/tests/'));
    expect(files.get('prometheus/tests/service.test.yml')).toMatch(/up\{job="checkout", instance="10\.0\.0\.1:3000", cluster="east"\}/);
    expect(files.get('prometheus/tests/api.test.yml')).toMatch(/cluster: east/);
    const test = run('promtool', ['test', 'rules', ...tests.map((p) => join(dir, p))]);
    expect(test.status, test.out).toBe(0);
    expect(test.out).toMatch(/ClusterMissing|SUCCESS/);
  }, 120_000);

  it('the rules (on and off) pass vmalert -dryRun, which rejects a broken rule file', async () => {
    const off = await written({});
    for (const d of [dir, off.dir]) {
      const r = run('vmalert', ['-dryRun', `-rule=${join(d, 'prometheus/rules/*.yml')}`]);
      expect(r.status, r.out).toBe(0);
      expect(r.out).not.toMatch(/fatal|error/i);
    }
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: sum by (a (x)\n');
    const r = run('vmalert', ['-dryRun', `-rule=${bad}`]);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/bad prometheus expr/);
  }, 60_000);

  it('Alertmanager groups by cluster and never inhibits across clusters', () => {
    const am = parse(files.get('alertmanager/alertmanager.yml') as string) as { route: { group_by: string[] }; inhibit_rules: { equal: string[]; source_matchers: string[] }[] };
    expect(am.route.group_by).toContain('cluster');
    for (const rule of am.inhibit_rules) expect(rule.equal).toContain('cluster');
    expect(am.inhibit_rules.at(-1)?.source_matchers).toEqual(['alertname="ClusterMissing"']);
    const r = run('amtool', ['check-config', join(dir, 'alertmanager/alertmanager.yml')]);
    expect(r.status, r.out).toBe(0);
  });

  it('the Prometheus, agent and vmagent configs carry the external label and remote_write', () => {
    const prom = parse(files.get('prometheus/prometheus.yml') as string);
    expect(prom.global.external_labels).toEqual({ cluster: 'east' });
    expect(prom.remote_write).toEqual([{ url: 'http://victoria-metrics:8428/api/v1/write' }]);
    expect(prom.rule_files).toBeUndefined();
    const agent = parse(files.get('prometheus/prometheus-agent.yml') as string);
    expect(agent.global).toEqual({ scrape_interval: '15s', external_labels: { cluster: 'east' } });
    expect(agent.rule_files).toBeUndefined();
    expect(agent.alerting).toBeUndefined();
    expect(agent.scrape_configs).toEqual(prom.scrape_configs);
    const vmagent = files.get('vmagent/vmagent.yml') as string;
    expect(vmagent).toMatch(/vmagent -promscrape\.config=vmagent\.yml -remoteWrite\.url=http:\/\/victoria-metrics:8428\/api\/v1\/write -remoteWrite\.label=cluster=east/);
    expect(parse(vmagent).scrape_configs).toEqual(prom.scrape_configs);
    expect(parse(files.get('grafana/provisioning/datasources/prometheus.yml') as string).datasources[0].url).toBe('http://victoria-metrics:8428');
    const r = run('promtool', ['check', 'config', '--syntax-only', join(dir, 'prometheus/prometheus.yml')]);
    expect(r.status, r.out).toBe(0);
  });

  it('every dashboard gains a multi-select cluster variable before its first query variable, and every query selects on it', () => {
    const dashboards = [...files].filter(([p]) => p.startsWith('grafana/dashboards/'));
    expect(dashboards.length).toBe(7);
    for (const [path, content] of dashboards) {
      const d = JSON.parse(content) as { templating: { list: { name: string; type: string; query: string; multi: boolean; includeAll: boolean; allValue?: string }[] }; panels: unknown[] };
      const vars = d.templating.list;
      const i = vars.findIndex((v) => v.name === 'cluster');
      expect(i, path).toBe(vars.findIndex((v) => v.type === 'query'));
      expect(vars[i]).toMatchObject({ multi: true, includeAll: true, allValue: '.+' });
      expect(vars[i]?.query).toMatch(/^label_values\(.+, cluster\)$/);
      for (const v of vars.slice(i + 1)) if (v.type === 'query') expect(v.query, `${path} $${v.name}`).toContain('cluster=~"$cluster"');
      const targets: { expr: string; legendFormat?: string; format?: string }[] = [];
      const walk = (ps: unknown[]) => {
        for (const p of ps as { targets?: typeof targets; panels?: unknown[] }[]) {
          targets.push(...(p.targets ?? []));
          walk(p.panels ?? []);
        }
      };
      walk(d.panels);
      expect(targets.length, path).toBeGreaterThan(3);
      for (const t of targets) {
        const c = clauses(t.expr);
        expect(c.errors, t.expr).toBe(0);
        // (parsed after Grafana's substitution: $cluster reads "value")
        for (const s of c.selectors) expect(s, `${path}: ${t.expr}`).toContain('cluster=~"value"');
        if (t.format !== 'heatmap') for (const list of [...c.by, ...c.on]) expect(list, `${path}: ${t.expr}`).toContain('cluster');
        if (t.format !== 'heatmap' && t.legendFormat && t.legendFormat !== '__auto' && c.by.length > 0 && c.bare.length === 0) expect(t.legendFormat, t.expr).toContain('{{cluster}}');
      }
    }
  });
});
