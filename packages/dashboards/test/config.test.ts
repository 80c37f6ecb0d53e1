import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObsError } from '@obs/metrics-standard';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test-utils/errors.mjs';
import { loadConfigFile, resolveConfig } from '../src/index.js';

describe('resolveConfig', () => {
  it('fills every default', () => {
    const cfg = resolveConfig();
    expect(cfg.scrapeInterval).toBe('15s');
    expect(cfg.evaluationInterval).toBe('15s');
    expect(cfg.datasource).toEqual({ uid: 'prometheus', name: 'Prometheus' });
    expect(cfg.selectors).toEqual({ service: '', host: '', kubernetes: '' });
    expect(cfg.kubernetes.dashboardLabels).toEqual({ grafana_dashboard: '1' });
    expect(cfg.grafana.folder).toBe('Observability');
    expect(cfg.domain).toEqual({ metrics: [], panels: [], alerts: [] });
  });

  it('a typo in a threshold field is a coded error naming the field', () => {
    const err = errorOf(() => resolveConfig({ alerts: { HighAPILatency: { threshhold: 2 } as never } }), ObsError);
    expect(err.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(err.option).toBe('alerts.HighAPILatency.threshhold');
  });

  it.each([
    [{ scrapInterval: '15s' }, 'scrapInterval', /did you mean `scrapeInterval`/],
    [{ scrapeInterval: '15 seconds' }, 'scrapeInterval', /Prometheus duration/],
    [{ selectors: { service: 'env=prod' } }, 'selectors.service', /label matchers/],
    [{ datasource: { uid: 'has space' } }, 'datasource.uid', /Grafana uid/],
    [{ kubernetes: { namespace: 'Monitoring' } }, 'kubernetes.namespace', /namespace/],
    [{ alertmanager: { slack: { channel: '#alerts' } } }, 'alertmanager.slack.apiUrlFile', /secret/],
    [{ domain: { metrics: [{ name: 'vm-running', type: 'gauge', help: 'x' }] } }, 'domain.metrics.0.name', /metric name/],
    [{ domain: { metrics: [{ name: 'vm_running', type: 'gauge', help: 'x' }], panels: [{ metric: 'vm_runing' }] } }, 'domain.panels.0.metric', /vm_running/],
    [{ domain: { metrics: [{ name: 'vm_running', type: 'gauge', help: 'x' }], panels: [{ metric: 'vm_running', rate: true }] } }, 'domain.panels.0.rate', /gauge/],
  ])('rejects %j at %s', (input, option, detail) => {
    const err = errorOf(() => resolveConfig(input as never), ObsError);
    expect(err.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(err.option).toBe(option);
    expect(err.message).toMatch(detail);
  });
});

describe('loadConfigFile', () => {
  it('loads JSON, ESM, CommonJS and TypeScript configs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-config-'));
    await writeFile(join(dir, 'a.json'), JSON.stringify({ scrapeInterval: '30s' }));
    await writeFile(join(dir, 'b.mjs'), 'export default { scrapeInterval: "31s" };');
    await writeFile(join(dir, 'c.cjs'), 'module.exports = { scrapeInterval: "32s" };');
    await writeFile(
      join(dir, 'd.ts'),
      'import type { ObsDashboardsConfig } from "@obs/dashboards";\nconst interval: string = "33s";\nexport default { scrapeInterval: interval } satisfies ObsDashboardsConfig;\n',
    );
    const loaded = await Promise.all(['a.json', 'b.mjs', 'c.cjs', 'd.ts'].map((f) => loadConfigFile(f, dir)));
    expect(loaded.map((c) => resolveConfig(c).scrapeInterval)).toEqual(['30s', '31s', '32s', '33s']);
  });

  it('a missing or malformed file is a coded error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obs-config-'));
    await writeFile(join(dir, 'bad.json'), '{ nope');
    await expect(loadConfigFile('missing.json', dir)).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_CONFIG', option: '--config' });
    await expect(loadConfigFile('bad.json', dir)).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_CONFIG' });
    await expect(loadConfigFile('conf.yaml', dir)).rejects.toMatchObject({ code: 'OBS_ERR_INVALID_CONFIG' });
  });
});
