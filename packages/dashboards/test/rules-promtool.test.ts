import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tool } from '../../../scripts/lib/tools.mjs';
import { type ObsDashboardsConfig, resolveConfig } from '../src/config.js';
import { buildRuleFiles, buildRuleTests } from '../src/rules/index.js';

// Real promtool (Debian `prometheus` package, 2.42, through the tool resolver). One promtool process per command, over all files.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(config: ObsDashboardsConfig, mutateTests?: (content: string) => string) {
  const cfg = resolveConfig(config);
  const dir = mkdtempSync(join(tmpdir(), 'obs-rules-'));
  dirs.push(dir);
  const rules = buildRuleFiles(cfg);
  const tests = buildRuleTests(cfg);
  for (const f of [...rules, ...tests]) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), mutateTests && f.path.includes('/tests/') ? mutateTests(f.content) : f.content);
  }
  return { rules: rules.map((f) => join(dir, f.path)), tests: tests.map((f) => join(dir, f.path)), cfg };
}

function promtool(...args: string[]) {
  const r = spawnSync(tool('promtool'), args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function testGroups(files: readonly string[]): string[] {
  return files.flatMap((p) => (parse(readFileSync(p, 'utf8')).tests as Array<{ name: string }>).map((t) => t.name));
}

const vmRunning = { name: 'vm_running', type: 'gauge', help: 'Virtual machines running.', unit: 'vms', labels: ['service'], group: 'domain' } as const;

describe('rule packs under promtool', () => {
  const defaults = write({});

  it('every pack passes `promtool check rules`', () => {
    const r = promtool('check', 'rules', ...defaults.rules);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toMatch(/FAILED/);
    expect(defaults.rules.map((p) => p.split('/').pop())).toEqual([
      'service.yml',
      'api.yml',
      'worker.yml',
      'host.yml',
      'containers.yml',
      'kubernetes.yml',
      'datastores.yml',
    ]);
  });

  it('every alert fires above its threshold after `for`, is quiet before `for` and below the threshold', { timeout: 60_000 }, () => {
    const r = promtool('test', 'rules', ...defaults.tests);
    expect(r.status, r.out).toBe(0);
    const groups = testGroups(defaults.tests);
    const enabled = defaults.cfg.rules.alerts.filter((a) => a.enabled);
    expect(enabled.length).toBeGreaterThanOrEqual(32);
    for (const a of enabled) {
      expect(groups).toContain(`${a.name} stays quiet below its threshold`);
      expect(groups.some((g) => g.startsWith(`${a.name} fires above its threshold after ${a.for}`))).toBe(true);
    }
  });

  it('the generated tests can fail: a test fixture built for another threshold fails against the default rules', { timeout: 30_000 }, () => {
    // Tests generated for a 2 % error-rate threshold expect "threshold 2%" in the description and
    // a 4 % error share to fire; the default rules say 5 % and stay quiet at 4 %.
    const wrong = resolveConfig({ alerts: { HighAPIErrorRate: { threshold: 0.02 } } });
    const good = write({});
    const apiTest = buildRuleTests(wrong).find((f) => f.path.endsWith('/api.test.yml'));
    const file = good.tests.find((p) => p.endsWith('/api.test.yml')) as string;
    writeFileSync(file, apiTest?.content ?? '');
    const r = promtool('test', 'rules', file);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/HighAPIErrorRate/);
    expect(r.out).toMatch(/FAILED/);
  });

  it('a config that shortens every `for` and moves thresholds gets consistent rules and tests', { timeout: 60_000 }, () => {
    const alerts = Object.fromEntries(resolveConfig({}).rules.alerts.map((a) => [a.name, { for: '1m' }]));
    const shortened = write({
      alerts: { ...alerts, HighAPIErrorRate: { for: '1m', threshold: 0.2, minRate: 1 }, HighAPILatency: { for: '1m', threshold: 0.25 }, WorkerQueueSizeHigh: { for: '1m', threshold: 5 } },
      selectors: { service: 'env="prod"', host: 'env="prod"', kubernetes: 'cluster="eu"' },
      slo: { availability: { objective: 0.99 }, latency: { objective: 0.95, thresholdSeconds: 0.5 }, window: '28d' },
    });
    const rules = readFileSync(shortened.rules[1] as string, 'utf8');
    expect(rules).toContain('env="prod"');
    expect(rules).not.toMatch(/for: 5m/);
    const r = promtool('test', 'rules', ...shortened.tests);
    expect(r.status, r.out).toBe(0);
  });

  it('recording rules keep `env`: a failing prod is not diluted by a busy, healthy staging of the same service', { timeout: 30_000 }, () => {
    // One Prometheus, two environments of `checkout`: prod fails half its requests, staging serves
    // 100x the traffic without errors. Summed by service alone, the 5xx share is 0.5 %: no alert.
    const d = write({});
    const api = d.rules.find((p) => p.endsWith('/api.yml')) as string;
    const series = (env: string, status: string, perMinute: number) => ({
      series: `http_requests_total{service="checkout", env="${env}", job="checkout", instance="10.0.0.${env === 'prod' ? 1 : 2}:3000", method="GET", path="/api/orders", status="${status}"}`,
      values: `0+${perMinute}x20`,
    });
    const test = {
      rule_files: [api],
      evaluation_interval: '30s',
      tests: [
        {
          interval: '1m',
          input_series: [series('prod', '500', 300), series('prod', '200', 300), series('staging', '200', 60000)],
          promql_expr_test: [
            {
              expr: 'ALERTS{alertname="HighAPIErrorRate", alertstate="firing"}',
              eval_time: '8m',
              exp_samples: [{ labels: 'ALERTS{alertname="HighAPIErrorRate", alertstate="firing", env="prod", pack="api", service="checkout", severity="critical"}', value: 1 }],
            },
            {
              expr: 'service:http_requests_errors:ratio_rate1h',
              eval_time: '8m',
              exp_samples: [
                { labels: 'service:http_requests_errors:ratio_rate1h{env="prod", service="checkout"}', value: 0.5 },
                { labels: 'service:http_requests_errors:ratio_rate1h{env="staging", service="checkout"}', value: 0 },
              ],
            },
          ],
        },
      ],
    };
    const file = join(dirname(api), 'env.test.yml');
    writeFileSync(file, JSON.stringify(test));
    const r = promtool('test', 'rules', file);
    expect(r.status, r.out).toBe(0);
  });

  it('a domain `vm_running` alert gets its rule file and its promtool test', { timeout: 30_000 }, () => {
    const d = write({
      domain: {
        metrics: [vmRunning],
        alerts: [{ name: 'NoVmRunning', metric: 'vm_running', op: '<', threshold: 1, for: '2m', severity: 'critical' }],
      },
    });
    const file = d.rules.find((p) => p.endsWith('/domain.yml')) as string;
    const doc = parse(readFileSync(file, 'utf8'));
    const rule = doc.groups[0].rules[0];
    expect(rule).toMatchObject({ alert: 'NoVmRunning', expr: 'sum by (service) (vm_running) < 1', for: '2m', labels: { severity: 'critical', pack: 'domain' } });
    expect(rule.annotations.runbook_url).toBe('https://runbooks.example.com/obs/no-vm-running');
    const tests = d.tests.filter((p) => p.endsWith('/domain.test.yml'));
    expect(testGroups(tests)).toEqual(['NoVmRunning fires above its threshold after 2m', 'NoVmRunning stays quiet below its threshold']);
    const r = promtool('test', 'rules', ...tests);
    expect(r.status, r.out).toBe(0);
  });
});
