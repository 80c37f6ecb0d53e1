/**
 * Alertmanager configuration: a route tree by severity (critical → `pager`, warning → `team`),
 * grouping by alertname and service, inhibition of warnings by the matching critical, and
 * Slack / e-mail / webhook receivers whose secrets are read from files (Alertmanager does not
 * expand environment variables; see docs/decisions/0048-alertmanager-secrets-and-inhibition.md).
 */
import { Document, isMap, isSeq } from 'yaml';
import type { ResolvedConfig } from '../config.js';
import { GENERATED_HEADER } from '../rules/build.js';

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
  if (cfg.webhook) {
    r.webhook_configs = [
      {
        ...(cfg.webhook.url !== undefined ? { url: cfg.webhook.url } : { url_file: cfg.webhook.urlFile }),
        ...(cfg.webhook.credentialsFile !== undefined && { http_config: { authorization: { type: 'Bearer', credentials_file: cfg.webhook.credentialsFile } } }),
        send_resolved: true,
      },
    ];
  }
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
      // Multi-cluster: one notification per cluster (the inhibitions below never cross clusters either).
      group_by: c.length > 0 && !am.groupBy.includes(c[0]!) ? [...am.groupBy, ...c] : am.groupBy,
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
  const urlFileNote = am.webhook?.urlFile
    ? `# The webhook URL is read from ${am.webhook.urlFile} (url_file): Alertmanager 0.26 or later. Alertmanager 0.25\n# (Debian bookworm) rejects url_file: use alertmanager.webhook.url (a URL without a secret) and credentialsFile.\n`
    : '';
  
  return { path: 'alertmanager/alertmanager.yml', content: GENERATED_HEADER + envNote + urlFileNote + withDisabledReceivers(doc, am) };
}

/** The e-mail and webhook blocks a receiver does not have yet, as comments ready to uncomment. */
function disabledBlocks(cfg: AlertmanagerBuildInput['alertmanager'], paging: boolean): string[] {
  const blocks: string[] = [];
  if (!cfg.email) {
    blocks.push(
      [
        ` E-mail${paging ? '' : ' (usually for the pager only)'}: uncomment, and set smtp_smarthost / smtp_from under global`,
        ' (or alertmanager.email in the generator config, which writes all of it).',
        ' email_configs:',
        `   - to: ${paging ? 'oncall@example.com' : 'team@example.com'}`,
        '     send_resolved: true',
        '     auth_username: alertmanager@example.com',
        '     auth_password_file: /etc/alertmanager/secrets/smtp-password',
      ].join('\n'),
    );
  }
  if (!cfg.webhook) {
    blocks.push(
      [
        ' Webhook (any HTTP receiver: an incident tool, a chat bridge): uncomment, or set alertmanager.webhook.',
        ' webhook_configs:',
        '   - url: http://alert-receiver.internal:8080/alerts',
        '     send_resolved: true',
      ].join('\n'),
    );
  }
  return blocks;
}

/** YAML of the config, with the receivers' missing e-mail and webhook blocks as comments after Slack. */
function withDisabledReceivers(doc: Record<string, unknown>, cfg: AlertmanagerBuildInput['alertmanager']): string {
  const d = new Document(doc);
  const receivers = d.get('receivers');
  if (isSeq(receivers)) {
    receivers.items.forEach((r, i) => {
      const slack = isMap(r) ? r.get('slack_configs', true) : undefined;
      const blocks = disabledBlocks(cfg, i === 0);
      if (isMap(r) && isSeq(slack) && blocks.length > 0) r.comment = blocks.join('\n\n');
    });
  }
  return d.toString({ lineWidth: 0, indent: 2 });
}
