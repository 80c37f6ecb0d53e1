/**
 * Alertmanager configuration: a route tree by severity (critical → `pager`, warning → `team`),
 * grouping by alertname and service, inhibition of warnings by the matching critical, and
 * Slack / e-mail / webhook receivers whose secrets are read from files (Alertmanager does not
 * expand environment variables; see docs/decisions/0048-alertmanager-secrets.md).
 */
import type { ResolvedConfig } from '../config.js';
import { GENERATED_HEADER, toYaml } from '../rules/build.js';

/** What the Alertmanager builder reads (`multiCluster`: group and inhibit within one cluster only). */
export type AlertmanagerBuildInput = Pick<ResolvedConfig, 'alertmanager'> & Partial<Pick<ResolvedConfig, 'multiCluster'>>;

/** Receiver names of the route tree. */
export const RECEIVERS = { critical: 'pager', warning: 'team' } as const;

/** Where the Slack webhook URL is read from when no `apiUrlFile` is configured. */
export const DEFAULT_SLACK_URL_FILE = '/etc/alertmanager/secrets/slack-api-url';

const TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service }}';
const TEXT = '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}';

function receiver(name: string, cfg: AlertmanagerBuildInput['alertmanager'], paging: boolean) {
  const r: Record<string, unknown> = { name };
  const slack = cfg.slack ?? { channel: paging ? '#alerts-critical' : '#alerts' };
  r.slack_configs = [
    {
      api_url_file: slack.apiUrlFile ?? DEFAULT_SLACK_URL_FILE,
      channel: slack.channel,
      send_resolved: true,
      title: TITLE,
      text: TEXT,
    },
  ];
  if (paging && cfg.email) {
    r.email_configs = [
      {
        to: cfg.email.to,
        send_resolved: true,
        ...(cfg.email.authPasswordFile !== undefined && { auth_username: cfg.email.from, auth_password_file: cfg.email.authPasswordFile }),
      },
    ];
  }
  if (cfg.webhook) r.webhook_configs = [{ url: cfg.webhook.url, send_resolved: true }];
  return r;
}

/**
 * `alertmanager/alertmanager.yml`.
 *
 * @example
 * const { path, content } = buildAlertmanagerConfig(resolveConfig({ alertmanager: { slack: { channel: '#ops', apiUrlFile: '/run/secrets/slack' } } }));
 */
export function buildAlertmanagerConfig(cfg: AlertmanagerBuildInput): { path: 'alertmanager/alertmanager.yml'; content: string } {
  const am = cfg.alertmanager;
  // Multi-cluster: the cluster label joins every grouping and every inhibition's `equal`, so one
  // cluster's alerts never group with, or silence, another's; a missing cluster silences the rest of it.
  const c = cfg.multiCluster ? [cfg.multiCluster.label] : [];
  const doc = {
    global: {
      resolve_timeout: '5m',
      ...(am.email && { smtp_smarthost: am.email.smarthost, smtp_from: am.email.from, smtp_require_tls: true }),
    },
    route: {
      receiver: RECEIVERS.warning,
      group_by: ['alertname', ...c, 'service'],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatInterval,
      routes: [
        { matchers: ['severity="critical"'], receiver: RECEIVERS.critical },
        { matchers: ['severity="warning"'], receiver: RECEIVERS.warning },
      ],
    },
    inhibit_rules: [
      // A critical silences the warnings of the same pack about the same service…
      { source_matchers: ['severity="critical"', 'service=~".+"'], target_matchers: ['severity="warning"'], equal: [...c, 'pack', 'service'] },
      // …or, for infrastructure alerts without a service, about the same host, node or pod.
      { source_matchers: ['severity="critical"', 'service=""'], target_matchers: ['severity="warning"'], equal: [...c, 'pack', 'instance', 'node', 'namespace', 'pod'] },
      // A service or worker that is down silences every warning about it.
      { source_matchers: ['alertname=~"ServiceDown|WorkerDown"'], target_matchers: ['severity="warning"'], equal: [...c, 'service'] },
      ...(cfg.multiCluster ? [{ source_matchers: ['alertname="ClusterMissing"'], target_matchers: ['alertname!="ClusterMissing"'], equal: c }] : []),
    ],
    receivers: [receiver(RECEIVERS.critical, am, true), receiver(RECEIVERS.warning, am, false)],
  };
  const envNote = am.slack?.apiUrlEnv
    ? `# The Slack webhook URL comes from $${am.slack.apiUrlEnv}: write it to ${am.slack.apiUrlFile ?? DEFAULT_SLACK_URL_FILE} before start, e.g.\n#   printf %s "$${am.slack.apiUrlEnv}" > ${am.slack.apiUrlFile ?? DEFAULT_SLACK_URL_FILE}\n`
    : '';
  return { path: 'alertmanager/alertmanager.yml', content: GENERATED_HEADER + envNote + toYaml(doc) };
}
