import type { Obs } from '@obs/metrics-standard';

/** `samples(text, name)`: one metric's label sets and values; `total(text, name, match)`: their sum. */
export { select as samples, sum as total } from '../../../test-utils/prom-text.mjs';

export async function metricsOf(obs: Obs): Promise<string> {
  return obs.registry.metrics();
}
