/**
 * Builds every artifact from a resolved config into a map of relative path → content. Pure: no
 * clock, no cwd, no file system, no process exit, so the e2e suite and users can call it. Writing
 * it to disk and comparing it with the disk (`obs-dashboards check`) is output.ts.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedConfig } from './config.js';
import { type DashboardName, withClusterVariable } from './dashboards/common.js';
import { containersDashboard } from './dashboards/containers.js';
import { datastoresDashboard } from './dashboards/datastores.js';
import { hostDashboard } from './dashboards/host.js';
import { kubernetesDashboard } from './dashboards/kubernetes.js';
import { overviewDashboard } from './dashboards/overview.js';
import { serviceDashboard } from './dashboards/service.js';
import { workerDashboard } from './dashboards/worker.js';
import { grafanaDashboardProviderFile, grafanaDatasourceFile } from './grafana-provisioning/index.js';
import { dashboardConfigMaps } from './kubernetes/dashboards.js';
import { serviceMonitorManifests } from './kubernetes/servicemonitor.js';
import { prometheusAgentConfigFile, prometheusConfigFile, vmagentConfigFile } from './prometheus-config/index.js';
import {
  buildAlertmanagerConfig,
  buildPrometheusRuleManifests,
  buildRuleFiles,
  buildRuleTests,
  type PackName,
} from './rules/index.js';

/** Every dashboard, the pack that turns it off (undefined: always generated) and its builder. */
export const DASHBOARDS: readonly { name: DashboardName; pack?: PackName; build: (cfg: ResolvedConfig) => Dashboard }[] = [
  { name: 'overview', build: overviewDashboard },
  { name: 'service', build: serviceDashboard },
  { name: 'worker', pack: 'worker', build: workerDashboard },
  { name: 'host', pack: 'host', build: hostDashboard },
  { name: 'containers', pack: 'containers', build: containersDashboard },
  { name: 'kubernetes', pack: 'kubernetes', build: kubernetesDashboard },
  { name: 'datastores', pack: 'datastores', build: datastoresDashboard },
];

/** JSON with object keys sorted (arrays keep their order), two-space indent, final newline. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

/** The dashboards a config generates, as `[name, json]`, in catalogue order. */
export function buildDashboards(cfg: ResolvedConfig): [DashboardName, string][] {
  const mc = cfg.multiCluster;
  return DASHBOARDS.filter((d) => d.pack === undefined || cfg.rules.packs[d.pack]).map((d) => {
    const dashboard = d.build(cfg);
    return [d.name, stableJson(mc ? withClusterVariable(dashboard, mc) : dashboard)];
  });
}

/**
 * Every artifact of a config: relative path (with `/`) → file content, sorted by path.
 *
 * @example
 * const files = generate(resolveConfig({}));
 * files.get('grafana/dashboards/overview.json');
 */
export function generate(cfg: ResolvedConfig): Map<string, string> {
  const out: [string, string][] = [];
  const dashboards = buildDashboards(cfg);
  for (const [name, json] of dashboards) out.push([`grafana/dashboards/${name}.json`, json]);
  out.push(['grafana/provisioning/datasources/prometheus.yml', grafanaDatasourceFile(cfg)]);
  out.push(['grafana/provisioning/dashboards/obs.yml', grafanaDashboardProviderFile(cfg)]);
  out.push(['prometheus/prometheus.yml', prometheusConfigFile(cfg)]);
  if (cfg.multiCluster) {
    const multi = { ...cfg, multiCluster: cfg.multiCluster };
    out.push(['prometheus/prometheus-agent.yml', prometheusAgentConfigFile(multi)]);
    out.push(['vmagent/vmagent.yml', vmagentConfigFile(multi)]);
  }
  for (const f of buildRuleFiles(cfg)) out.push([f.path, f.content]);
  for (const f of buildRuleTests(cfg)) out.push([f.path, f.content]);
  const am = buildAlertmanagerConfig(cfg);
  out.push([am.path, am.content]);
  const rules = buildPrometheusRuleManifests(cfg);
  out.push([rules.path, rules.content]);
  out.push(['kubernetes/grafana-dashboards.yaml', dashboardConfigMaps(cfg, dashboards)]);
  out.push(['kubernetes/servicemonitors.yaml', serviceMonitorManifests(cfg)]);
  const seen = new Set<string>();
  for (const [path] of out) {
    if (seen.has(path)) throw new Error(`two artifacts write ${path}`);
    seen.add(path);
  }
  return new Map(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
