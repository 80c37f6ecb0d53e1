/**
 * promtool unit tests for every enabled alert, generated from the same resolved config as the
 * rules (so a config that shortens `for` or moves a threshold gets matching tests). Per alert:
 * - it fires above its threshold once `for` has elapsed, with the exact labels and rendered
 *   annotations (summary, description with the value, runbook_url);
 * - it is still quiet one evaluation before `for` elapses (when `for` is at least two steps);
 * - it stays quiet below its threshold.
 */
import type { AlertSpec, Scenario, TestSeries } from '../rules/catalogue.js';
import { activePacks, alertRule, type GeneratedFile, GENERATED_HEADER, packAlerts, ruleContext, type RulesBuildInput, toYaml } from '../rules/build.js';
import { TEST_CLUSTER } from '../rules/cluster.js';
import type { ResolvedAlert } from '../rules/config.js';
import { durationSeconds, formatDuration, renderTemplate } from '../rules/format.js';

/** The evaluation step of the generated tests, in seconds. */
export const TEST_EVALUATION_INTERVAL = 30;

function seriesString(t: TestSeries): string {
  const labels = Object.entries(t.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return labels === '' ? t.metric : `${t.metric}{${labels}}`;
}

function values(t: TestSeries, samples: number): string {
  const d = t.data;
  if ('slope' in d) return `0+${d.slope}x${samples}`;
  if ('value' in d) return `${d.value}x${samples}`;
  return d.values(samples);
}

const ceilMinute = (s: number) => Math.ceil(s / 60) * 60;

function groups(cfg: RulesBuildInput, a: ResolvedAlert): unknown[] {
  const x = ruleContext(cfg, a);
  const spec: AlertSpec = a.spec;
  const rule = alertRule(cfg, a);
  // Multi-cluster: every input series comes from one cluster, and every alert must keep its label.
  const mc = cfg.rules.multiCluster;
  const cluster: Record<string, string> = mc ? { [mc.label]: TEST_CLUSTER } : {};
  const forS = durationSeconds(a.for);
  const step = TEST_EVALUATION_INTERVAL;
  const input = (sc: Scenario, until: number) => {
    const interval = sc.interval ?? 60;
    const samples = Math.ceil(until / interval) + 2;
    return {
      interval: formatDuration(interval),
      input_series: sc.series.map((t) => ({ series: seriesString({ ...t, labels: { ...t.labels, ...cluster } }), values: values(t, samples) })),
    };
  };
  const out: unknown[] = [];
  spec.fire(x).forEach((sc) => {
    const fireAt = ceilMinute(Math.max(sc.activeFrom + forS, sc.steadyAt)) + 60;
    const labels = { ...sc.labels, ...cluster, ...rule.labels };
    const checks: unknown[] = [];
    if (forS >= 2 * step) checks.push({ eval_time: formatDuration(sc.activeFrom + forS - step), alertname: a.name, exp_alerts: [] });
    checks.push({
      eval_time: formatDuration(fireAt),
      alertname: a.name,
      exp_alerts: [
        {
          exp_labels: labels,
          exp_annotations: {
            summary: renderTemplate(rule.annotations.summary, labels, sc.value),
            description: renderTemplate(rule.annotations.description, labels, sc.value),
            runbook_url: rule.annotations.runbook_url,
          },
        },
      ],
    });
    out.push({ name: `${a.name} fires above its threshold after ${a.for}${sc.note ? ` (${sc.note})` : ''}`, ...input(sc, fireAt), alert_rule_test: checks });
  });
  const q = spec.quiet(x);
  const quietAt = ceilMinute(Math.max(q.activeFrom + forS, q.steadyAt)) + 60;
  out.push({
    name: `${a.name} stays quiet below its threshold`,
    ...input(q, quietAt),
    alert_rule_test: [{ eval_time: formatDuration(quietAt), alertname: a.name, exp_alerts: [] }],
  });
  return out;
}

/**
 * promtool test files, one per rule file: `prometheus/tests/<pack>.test.yml`, run with
 * `promtool test rules prometheus/tests/*.test.yml`.
 *
 * @example
 * const tests = buildRuleTests(resolveConfig({ alerts: { HighAPILatency: { for: '1m' } } }));
 */
export function buildRuleTests(cfg: RulesBuildInput): GeneratedFile[] {
  return activePacks(cfg).map((pack) => ({
    path: `prometheus/tests/${pack}.test.yml`,
    content:
      GENERATED_HEADER +
      toYaml({
        rule_files: [`../rules/${pack}.yml`],
        evaluation_interval: formatDuration(TEST_EVALUATION_INTERVAL),
        tests: packAlerts(cfg, pack).flatMap((a) => groups(cfg, a)),
      }),
  }));
}
