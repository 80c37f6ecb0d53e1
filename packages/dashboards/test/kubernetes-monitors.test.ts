// The generated ServiceMonitor/PodMonitor cannot let a pod forge its identity (issue 12): scoped
// namespaces, honorLabels false, `service` from Kubernetes metadata.
import { ObsError } from '@obs/metrics-standard';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { errorOf } from '../../../test-utils/errors.mjs';
import { type ObsDashboardsConfig, resolveConfig, serviceMonitorManifests } from '../src/index.js';

function monitors(input: ObsDashboardsConfig = {}) {
  const docs = parseAllDocuments(serviceMonitorManifests(resolveConfig(input))).map((d) => d.toJS());
  const sm = docs.find((d) => d.kind === 'ServiceMonitor');
  const pm = docs.find((d) => d.kind === 'PodMonitor');
  return { sm, pm, smEndpoint: sm.spec.endpoints[0], pmEndpoint: pm.spec.podMetricsEndpoints[0] };
}

describe('ServiceMonitor and PodMonitor', () => {
  it('by default scrape only the manifests\' own namespace, never any namespace', () => {
    const { sm, pm } = monitors();
    for (const m of [sm, pm]) {
      expect(m.metadata.namespace).toBe('monitoring');
      expect(m.spec.namespaceSelector).toEqual({ matchNames: ['monitoring'] });
      expect(m.spec.namespaceSelector.any).toBeUndefined();
    }
    const other = monitors({ kubernetes: { namespace: 'observability' } });
    expect(other.sm.spec.namespaceSelector).toEqual({ matchNames: ['observability'] });
  });

  it('scrape the configured namespaces', () => {
    const { sm, pm } = monitors({ kubernetes: { scrapeNamespaces: ['shop', 'payments'] } });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['shop', 'payments'] });
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['shop', 'payments'] });
  });

  it('keep the target identity authoritative: honorLabels false, `service` from the object\'s label', () => {
    const { smEndpoint, pmEndpoint } = monitors();
    expect(smEndpoint.honorLabels).toBe(false);
    expect(pmEndpoint.honorLabels).toBe(false);
    expect(smEndpoint.relabelings).toEqual([
      { sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'], regex: '(.+)', targetLabel: 'service', replacement: '$1', action: 'replace' },
    ]);
    // A pod without the label is not scraped: otherwise its own `service` label would stand.
    expect(pmEndpoint.relabelings).toEqual([
      { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: '.+', action: 'keep' },
      { sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: '(.+)', targetLabel: 'service', replacement: '$1', action: 'replace' },
    ]);
    const custom = monitors({ kubernetes: { serviceLabel: 'obs.example.com/service' } });
    expect(custom.pmEndpoint.relabelings[1].sourceLabels).toEqual(['__meta_kubernetes_pod_label_obs_example_com_service']);
  });

  it('the header says where identity comes from', () => {
    const text = serviceMonitorManifests(resolveConfig({ kubernetes: { scrapeNamespaces: ['shop'] } }));
    expect(text).toContain('in the namespaces shop only');
    expect(text).toContain('honorLabels is false');
    expect(text).not.toMatch(/honorLabels: true|any: true/);
  });

  it.each([
    [{ scrapeNamespaces: 'any' }, 'kubernetes.scrapeNamespaces', /any namespace is not offered/],
    [{ scrapeNamespaces: { any: true } }, 'kubernetes.scrapeNamespaces', /any namespace is not offered/],
    [{ scrapeNamespaces: [] }, 'kubernetes.scrapeNamespaces', /non-empty array/],
    [{ scrapeNamespaces: ['shop', 'Shop_1'] }, 'kubernetes.scrapeNamespaces.1', /Kubernetes namespace name/],
    [{ scrapeNamespaces: ['shop', 'shop'] }, 'kubernetes.scrapeNamespaces.1', /listed twice/],
    [{ serviceLabel: 'app name' }, 'kubernetes.serviceLabel', /Kubernetes label name/],
    [{ serviceLabels: 'x' }, 'kubernetes.serviceLabels', /did you mean `serviceLabel`/],
  ])('rejects kubernetes %j with OBS_ERR_INVALID_CONFIG naming the field', (kubernetes, field, detail) => {
    const e = errorOf(() => resolveConfig({ kubernetes } as never), ObsError);
    expect(e.code).toBe('OBS_ERR_INVALID_CONFIG');
    expect(e.option).toBe(field);
    expect(e.message).toMatch(detail);
  });
});
