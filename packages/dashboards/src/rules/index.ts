/**
 * Alert and recording rules: the catalogue, config validation, rule files, promtool tests,
 * Alertmanager config and PrometheusRule manifests.
 */
import { ALERT_SPECS } from './catalogue.js';

export { buildAlertmanagerConfig, RECEIVERS, DEFAULT_SLACK_URL_FILE } from '../alertmanager/config.js';
export { buildPrometheusRuleManifests } from '../kubernetes/prometheusrule.js';
export { buildRuleTests, TEST_EVALUATION_INTERVAL } from '../promtool/tests.js';
export { buildRuleFiles, GENERATED_HEADER, runbookUrl, type GeneratedFile, type RulesBuildInput } from './build.js';
export { PACKS, type PackName, type Severity, type AlertSpec } from './catalogue.js';
export { resolveRulesConfig, RULES_DEFAULTS, type AlertOverride, type ResolvedAlert, type ResolvedRulesConfig, type RulesConfigInput } from './config.js';
export type { DomainAlert, ResolvedDomainAlert } from './domain.js';
export { RECORDED, RECORDED_SERIES, SLO_WINDOWS } from './series.js';
export { burnFactor, type ResolvedSlo } from './slo.js';

/**
 * The default alert catalogue (SLO burn-rate alerts depend on `slo` and are listed by
 * `resolveRulesConfig(...).alerts`).
 *
 * @example
 * ALERT_CATALOGUE.find((a) => a.name === 'HighAPIErrorRate')?.threshold // 0.05
 */
export const ALERT_CATALOGUE: ReadonlyArray<{
  name: string;
  pack: string;
  severity: 'critical' | 'warning';
  for: string;
  threshold?: number;
  summary: string;
  description: string;
}> = ALERT_SPECS.map((a) => ({
  name: a.name,
  pack: a.pack,
  severity: a.severity,
  for: a.for,
  ...(a.threshold !== undefined && { threshold: a.threshold }),
  summary: a.summary,
  description: a.description,
}));
