import type { ResolvedConfig } from '../config.js';

const SPECS = {
  tempo: {
    label: 'Traces',
    type: 'tempo',
    description: 'The Tempo data source the latency exemplars open traces in (optional: panels work without it).',
  },
  loki: {
    label: 'Logs',
    type: 'loki',
    description: 'The Loki data source of the Logs link (`{service="$service"}`; optional).',
  },
} as const;

/**
 * The optional Tempo / Loki data source variables of a dashboard, for those the configuration
 * keeps (`grafana.tempo`, `grafana.loki`; `false` leaves one out), defaulting to the configured uid.
 *
 * @example
 * linkedDatasources(resolveConfig({}), ['tempo']) // [{ name: 'tempo', type: 'tempo', uid: 'tempo', … }]
 */
export function linkedDatasources(cfg: ResolvedConfig, which: readonly ('tempo' | 'loki')[]) {
  return which.flatMap((name) => {
    const ds = cfg.grafana[name];
    return ds === undefined ? [] : [{ name, ...SPECS[name], uid: ds.uid }];
  });
}
