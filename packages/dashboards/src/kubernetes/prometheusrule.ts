/** PrometheusRule manifests (prometheus-operator / kube-prometheus-stack), one per pack. */
import type { ResolvedConfig } from '../config.js';
import { activePacks, GENERATED_HEADER, ruleGroups, type RulesBuildInput } from '../rules/build.js';
import { stringify } from 'yaml';

/** What the PrometheusRule builder reads. */
export type PrometheusRuleBuildInput = RulesBuildInput & Pick<ResolvedConfig, 'kubernetes'>;

/**
 * `kubernetes/prometheusrules.yaml`: a multi-document YAML with one `monitoring.coreos.com/v1`
 * PrometheusRule per pack, labelled with `kubernetes.ruleLabels` (default
 * `release: kube-prometheus-stack`, what the chart's ruleSelector matches) in `kubernetes.namespace`.
 *
 * @example
 * buildPrometheusRuleManifests(resolveConfig({ kubernetes: { namespace: 'obs', ruleLabels: { release: 'prom' } } }));
 */
export function buildPrometheusRuleManifests(cfg: PrometheusRuleBuildInput): { path: 'kubernetes/prometheusrules.yaml'; content: string } {
  const docs = activePacks(cfg).map((pack) =>
    stringify(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: {
          name: `obs-${pack}`,
          namespace: cfg.kubernetes.namespace,
          labels: { ...cfg.kubernetes.ruleLabels, 'app.kubernetes.io/managed-by': 'obs-dashboards' },
        },
        spec: { groups: ruleGroups(cfg, pack) },
      },
      { lineWidth: 0, indent: 2 },
    ),
  );
  return { path: 'kubernetes/prometheusrules.yaml', content: GENERATED_HEADER + docs.join('---\n') };
}
