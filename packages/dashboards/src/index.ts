export {
  type AlertmanagerConfigInput,
  type AlertOverride,
  CONFIG_DEFAULTS,
  type DomainAlert,
  type DomainMetricInput,
  type DomainPanel,
  defineConfig,
  knownSelectorLabels,
  loadConfigFile,
  type ObsDashboardsConfig,
  type PackName,
  type ResolvedConfig,
  resolveConfig,
  selectorWarnings,
} from './config.js';
export { DASHBOARD_UIDS, type DashboardName, GENERATED_NOTE, labelValues, OBS_TAG } from './dashboards/common.js';
export { containersDashboard } from './dashboards/containers.js';
export { datastoresDashboard } from './dashboards/datastores.js';
export { hostDashboard } from './dashboards/host.js';
export { kubernetesDashboard } from './dashboards/kubernetes.js';
export { overviewDashboard } from './dashboards/overview.js';
export { serviceDashboard } from './dashboards/service.js';
export { workerDashboard } from './dashboards/worker.js';
export { buildDashboards, DASHBOARDS, generate, stableJson } from './generate.js';
export { grafanaDashboardProviderFile, grafanaDatasourceFile } from './grafana-provisioning/index.js';
export { dashboardConfigMaps } from './kubernetes/dashboards.js';
export { CONTRACT_SELECTOR_LABEL, serviceMonitorManifests } from './kubernetes/servicemonitor.js';
export { DATASOURCE_REF, DATASOURCE_VARIABLE, grafanaUnit } from './panels/index.js';
export {
  assertSafeOutDir,
  type CheckResult,
  checkOutput,
  GENERATED_MARKER,
  GENERATOR_VERSION,
  MANIFEST_FILE,
  type OutputManifest,
  readManifest,
  type WriteOptions,
  type WriteResult,
  writeOutput,
} from './output.js';
export { type DatastoreTargets, datastoreScrapeJobs, prometheusConfigFile, type ScrapeJob } from './prometheus-config/index.js';
export * as promql from './promql/index.js';
export { type CliIo, DEFAULT_CONFIG_FILES, EXIT, runCli } from './run-cli.js';
export {
  ALERT_CATALOGUE,
  buildAlertmanagerConfig,
  buildPrometheusRuleManifests,
  buildRuleFiles,
  buildRuleTests,
  RECORDED_SERIES,
  type ResolvedRulesConfig,
  resolveRulesConfig,
} from './rules/index.js';
