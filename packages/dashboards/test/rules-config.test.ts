import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObsError } from '@obs/metrics-standard';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tool } from '../../../scripts/lib/tools.mjs';
import { errorOf } from '../../../test-utils/errors.mjs';
import { resolveConfig } from '../src/config.js';
import { serviceMonitorManifests } from '../src/kubernetes/servicemonitor.js';
import { prometheusConfigFile } from '../src/prometheus-config/index.js';
import { ALERT_CATALOGUE, buildAlertmanagerConfig, buildPrometheusRuleManifests, buildRuleFiles, resolveRulesConfig } from '../src/rules/index.js';

describe('resolveRulesConfig', () => {
  it('names the exact field of a typo, a bad duration, a bad severity, an unknown alert, an objective outside (0, 1)', () => {
    const cases: Array<[unknown, string]> = [
      [{ alerts: { HighAPIErrorRate: { threshhold: 0.1 } } }, 'alerts.HighAPIErrorRate.threshhold'],
      [{ alerts: { HighAPILatency: { for: 'five minutes' } } }, 'alerts.HighAPILatency.for'],
      [{ alerts: { HostDown: { severity: 'page' } } }, 'alerts.HostDown.severity'],
      [{ alerts: { HighApiErrorRate: { threshold: 0.1 } } }, 'alerts.HighApiErrorRate'],
      [{ alerts: { ServiceDown: { threshold: 1 } } }, 'alerts.ServiceDown.threshold'],
      [{ alerts: { HighAPIErrorRate: { threshold: 5 } } }, 'alerts.HighAPIErrorRate.threshold'],
      [{ slo: { availability: { objective: 1 } } }, 'slo.availability.objective'],
      [{ slo: { availability: { objective: 0 } } }, 'slo.availability.objective'],
      [{ slo: { latency: { objective: 0.99, thresholdSeconds: 0.7 } } }, 'slo.latency.thresholdSeconds'],
      [{ packs: { hosts: false } }, 'packs.hosts'],
      [{ runbookBaseUrl: 'runbooks' }, 'runbookBaseUrl'],
      [{ domain: { metrics: [], alerts: [{ name: 'NoVm', metric: 'vm_runing', op: '<', threshold: 1 }] } }, 'domain.alerts[0].metric'],
    ];
    for (const [input, field] of cases) {
      const e = errorOf(() => resolveRulesConfig(input as never), ObsError);
      expect(e.code, field).toBe('OBS_ERR_INVALID_CONFIG');
      expect(e.option).toBe(field);
      expect(e.message).toContain(field);
    }
  });

  it('reaches through resolveConfig: a threshold typo is a coded error naming the field', () => {
    const e = errorOf(() => resolveConfig({ alerts: { HighAPIErrorRate: { threshhold: 0.1 } as never } }), ObsError);
    expect(e.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(e.message).toContain('alerts.HighAPIErrorRate.threshhold');
  });

  it('applies overrides and turns packs and alerts off', () => {
    const cfg = resolveConfig({ packs: { kubernetes: false }, alerts: { HighAPILatency: { threshold: 0.5, for: '10m', severity: 'critical' }, HostDown: { enabled: false } } });
    const paths = buildRuleFiles(cfg).map((f) => f.path);
    expect(paths).not.toContain('prometheus/rules/kubernetes.yml');
    const api = buildRuleFiles(cfg).find((f) => f.pack === 'api')?.content ?? '';
    expect(api).toMatch(/alert: HighAPILatency\n\s+expr: \(histogram_quantile\(0\.95, service_le:http_request_duration_seconds_bucket:rate5m\) > 0\.5\)/);
    expect(api).toContain('threshold 500ms');
    const host = buildRuleFiles(cfg).find((f) => f.pack === 'host')?.content ?? '';
    expect(host).not.toContain('HostDown');
  });

  it('prints SLO burn constants at fixed precision and derives factors from the SLO window', () => {
    const api = buildRuleFiles(resolveConfig({ slo: { availability: { objective: 0.999 } } })).find((f) => f.pack === 'api')?.content ?? '';
    expect(api).toContain('service:http_requests_errors:ratio_rate1h > 0.014400 and service:http_requests_errors:ratio_rate5m > 0.014400');
    expect(api).toContain('service:http_requests_errors:ratio_rate6h > 0.006000');
    expect(api).toContain('service:http_requests_errors:ratio_rate3d > 0.001000');
    expect(api).not.toContain('ratio_rate1h > 0.0144 ');
    const api28 = buildRuleFiles(resolveConfig({ slo: { availability: { objective: 0.999 }, window: '28d' } })).find((f) => f.pack === 'api')?.content ?? '';
    expect(api28).toContain('ratio_rate1h > 0.013440');
  });

  it('lists every alert of the contract in the catalogue', () => {
    const names = ALERT_CATALOGUE.map((a) => a.name);
    for (const n of ['ServiceDown', 'HighErrorLogRate', 'HighAPIErrorRate', 'HighAPILatency', 'HighAPICPUUsage', 'HighAPIMemoryUsage', 'HighWorkerTaskFailureRate', 'WorkerQueueSizeHigh', 'HighWorkerTaskDuration', 'WorkerDown', 'HostCPUHigh', 'HostMemoryHigh', 'HostDiskHigh', 'HostDown', 'ContainerRestartBurst', 'ContainerCPUHigh', 'ContainerMemoryHigh', 'PodCrashLooping', 'PodOOMKilled', 'HighPodRestartRate', 'PodNotReady', 'NodeNotReady', 'NodeDiskPressure', 'PostgreSQLDown', 'RedisDown', 'RabbitMQDown', 'HighPostgreSQLConnectionPoolUsage', 'HighRedisMemoryUsage']) {
      expect(names).toContain(n);
    }
  });
});

describe('Alertmanager config under amtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'obs-am-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const amtool = (...args: string[]) => {
    const r = spawnSync(tool('amtool'), args, { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  };
  const writeAm = (name: string, input: Parameters<typeof resolveConfig>[0]) => {
    const file = join(dir, name);
    writeFileSync(file, buildAlertmanagerConfig(resolveConfig(input)).content);
    return file;
  };

  it('passes `amtool check-config` with Slack, e-mail and webhook receivers and no inline secret', () => {
    mkdirSync(dir, { recursive: true });
    const file = writeAm('full.yml', {
      alertmanager: {
        slack: { channel: '#ops', apiUrlFile: '/run/secrets/slack-url', apiUrlEnv: 'SLACK_API_URL' },
        email: { to: 'oncall@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587', authPasswordFile: '/run/secrets/smtp' },
        webhook: { url: 'https://hooks.example.com/alerts' },
      },
    });
    const r = amtool('check-config', file);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/2 receivers/);
    expect(r.out).toMatch(/3 inhibit rules/);
    const content = buildAlertmanagerConfig(resolveConfig({ alertmanager: { slack: { channel: '#ops', apiUrlEnv: 'SLACK_API_URL' }, email: { to: 'a@example.com', from: 'b@example.com', smarthost: 'smtp.example.com:587', authPasswordFile: '/run/secrets/smtp' } } })).content;
    expect(content).toMatch(/api_url_file: /);
    expect(content).toMatch(/auth_password_file: \/run\/secrets\/smtp/);
    expect(content).not.toMatch(/\bapi_url: |auth_password: /);
    expect(content).toContain('printf %s "$SLACK_API_URL"');
    const defaults = amtool('check-config', writeAm('defaults.yml', {}));
    expect(defaults.status, defaults.out).toBe(0);
  });

  it('the webhook URL can come from a file (url_file, Alertmanager ≥ 0.26), with a bearer token from a file', () => {
    const am = (webhook: object) => parseAllDocuments(buildAlertmanagerConfig(resolveConfig({ alertmanager: { webhook } as never })).content)[0]!.toJS();
    const fromFile = am({ urlFile: '/run/secrets/webhook-url', credentialsFile: '/run/secrets/webhook-token' });
    for (const r of fromFile.receivers) {
      expect(r.webhook_configs).toEqual([
        { url_file: '/run/secrets/webhook-url', http_config: { authorization: { type: 'Bearer', credentials_file: '/run/secrets/webhook-token' } }, send_resolved: true },
      ]);
    }
    const content = buildAlertmanagerConfig(resolveConfig({ alertmanager: { webhook: { urlFile: '/run/secrets/webhook-url' } } })).content;
    expect(content).toContain('Alertmanager 0.26 or later');
    expect(content).not.toMatch(/^\s+url: /m);
    // Alertmanager 0.25 (Debian bookworm): a plain URL, the secret in a bearer token file.
    expect(am({ url: 'https://hooks.example.com/alerts', credentialsFile: '/run/secrets/t' }).receivers[0].webhook_configs[0]).toMatchObject({
      url: 'https://hooks.example.com/alerts',
      http_config: { authorization: { credentials_file: '/run/secrets/t' } },
    });
  });

  it('rejects a webhook with both or neither of url and urlFile, and a URL with credentials, without echoing it', () => {
    for (const [webhook, detail] of [
      [{}, /exactly one of url and urlFile/],
      [{ url: 'https://h.example.com/a', urlFile: '/run/x' }, /exactly one of url and urlFile/],
      [{ url: 'https://user:s3cr3t-pass@h.example.com/a' }, /carries credentials/],
      [{ urlFile: 'has space' }, /file path without spaces/],
    ] as const) {
      const e = errorOf(() => resolveConfig({ alertmanager: { webhook } as never }), ObsError);
      expect(e.code).toBe('OBS_ERR_INVALID_CONFIG');
      expect(e.message).toMatch(detail);
      expect(e.message).not.toContain('s3cr3t');
    }
  });

  it('amtool check-config accepts url_file from 0.26 on, and 0.25 rejects it as documented', () => {
    const file = writeAm('url-file.yml', { alertmanager: { webhook: { urlFile: '/run/secrets/webhook-url', credentialsFile: '/run/secrets/webhook-token' } } });
    const version = /version (\d+)\.(\d+)/.exec(amtool('--version').out);
    expect(version, 'amtool --version').not.toBeNull();
    const r = amtool('check-config', file);
    if (Number(version![1]) === 0 && Number(version![2]) < 26) {
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/url_file/);
      const plain = amtool('check-config', writeAm('url-token.yml', { alertmanager: { webhook: { url: 'https://hooks.example.com/a', credentialsFile: '/run/secrets/t' } } }));
      expect(plain.status, plain.out).toBe(0);
    } else {
      expect(r.status, r.out).toBe(0);
    }
  });

  it('routes critical to the paging receiver and warning to the team receiver (`amtool config routes test`)', () => {
    const file = writeAm('routes.yml', {});
    const critical = amtool('config', 'routes', 'test', `--config.file=${file}`, 'severity=critical', 'alertname=ServiceDown', 'service=checkout');
    expect(critical.status, critical.out).toBe(0);
    expect(critical.stdout.trim()).toBe('pager');
    const warning = amtool('config', 'routes', 'test', `--config.file=${file}`, 'severity=warning', 'alertname=HighAPILatency', 'service=checkout');
    expect(warning.stdout.trim()).toBe('team');
    const verify = amtool('config', 'routes', 'test', `--config.file=${file}`, '--verify.receivers=pager', 'severity=warning');
    expect(verify.status).not.toBe(0);
  });

  it('groups by alertname, service and namespace by default; alertmanager.groupBy changes it, a bad value is a coded error', () => {
    expect(parseAllDocuments(buildAlertmanagerConfig(resolveConfig({})).content)[0]?.toJS().route.group_by).toEqual(['alertname', 'service', 'namespace']);
    expect(parseAllDocuments(buildAlertmanagerConfig(resolveConfig({ alertmanager: { groupBy: ['alertname', 'cluster'] } })).content)[0]?.toJS().route.group_by).toEqual(['alertname', 'cluster']);
    const e = errorOf(() => resolveConfig({ alertmanager: { groupBy: ['alert name'] } }), ObsError);
    expect(e.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(e.option).toBe('alertmanager.groupBy');
  });

  it('carries e-mail and webhook receivers as commented blocks that pass amtool once uncommented', () => {
    const content = buildAlertmanagerConfig(resolveConfig({})).content;
    expect(content).toMatch(/^ {4}# email_configs:$/m);
    expect(content).toMatch(/^ {4}# webhook_configs:$/m);
    // Enabling them is removing the `# ` of the block lines (and, for e-mail, the SMTP globals).
    const enabled = content
      .replace(/^( {4})# ((?:email_configs|webhook_configs):| {2}- | {4})/gm, '$1$2')
      .replace('global:\n', 'global:\n  smtp_smarthost: smtp.example.com:587\n  smtp_from: alertmanager@example.com\n');
    const doc = parseAllDocuments(enabled)[0]?.toJS();
    expect(doc.receivers.map((r: Record<string, unknown>) => Object.keys(r).sort())).toEqual([
      ['email_configs', 'name', 'slack_configs', 'webhook_configs'],
      ['email_configs', 'name', 'slack_configs', 'webhook_configs'],
    ]);
    const file = join(dir, 'enabled.yml');
    writeFileSync(file, enabled);
    const r = amtool('check-config', file);
    expect(r.status, r.out).toBe(0);
  });
});

describe('scrape configs give every @obs target its `service` target label', () => {
  it('prometheus.yml: each static target of the obs jobs carries `service`, honor_labels is on, promtool accepts it', () => {
    const cfg = resolveConfig({});
    const doc = parseAllDocuments(prometheusConfigFile(cfg))[0]?.toJS();
    const obs = doc.scrape_configs.filter((j: { job_name: string }) => j.job_name.startsWith('obs-services'));
    expect(obs.map((j: { honor_labels: boolean }) => j.honor_labels)).toEqual([true, true]);
    const groups = obs[0].static_configs as Array<{ targets: string[]; labels: Record<string, string> }>;
    expect(groups.map((g) => [g.targets, g.labels.service])).toEqual([
      [['checkout-api:3000'], 'checkout-api'],
      [['billing-worker:9464'], 'billing-worker'],
    ]);
    const node = doc.scrape_configs.find((j: { job_name: string }) => j.job_name === 'node');
    expect(node.static_configs[0].labels.host).toBe(groups[0]?.labels.host);
    const dir = mkdtempSync(join(tmpdir(), 'obs-prom-'));
    try {
      mkdirSync(join(dir, 'rules'));
      writeFileSync(join(dir, 'prometheus.yml'), prometheusConfigFile(cfg));
      const r = spawnSync(tool('promtool'), ['check', 'config', '--syntax-only', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ServiceMonitor and PodMonitor give every target (even one that crashes at boot) its `service` from app.kubernetes.io/name', () => {
    const docs = parseAllDocuments(serviceMonitorManifests(resolveConfig({}))).map((d) => d.toJS()).filter(Boolean);
    const endpoints = docs.map((d) => (d.spec.endpoints ?? d.spec.podMetricsEndpoints)[0]);
    expect(endpoints).toHaveLength(2);
    const toService = endpoints.map((e: { relabelings: { sourceLabels: string[]; targetLabel?: string }[] }) =>
      e.relabelings.filter((r) => r.targetLabel === 'service').map((r) => r.sourceLabels[0]),
    );
    expect(toService).toEqual([['__meta_kubernetes_service_label_app_kubernetes_io_name'], ['__meta_kubernetes_pod_label_app_kubernetes_io_name']]);
  });
});

describe('PrometheusRule manifests', () => {
  it('one monitoring.coreos.com/v1 PrometheusRule per pack, with the configured labels and namespace', () => {
    const m = buildPrometheusRuleManifests(resolveConfig({ kubernetes: { namespace: 'observability', ruleLabels: { release: 'prom' } } }));
    const docs = parseAllDocuments(m.content).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual(['obs-service', 'obs-api', 'obs-worker', 'obs-host', 'obs-containers', 'obs-kubernetes', 'obs-datastores']);
    for (const d of docs) {
      expect(d).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { namespace: 'observability', labels: { release: 'prom' } } });
      expect(d.spec.groups[0].rules.length).toBeGreaterThan(0);
    }
  });
});
