/** The two exposition formats @obs serves. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Prometheus text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * Picks the format from an `Accept` header: OpenMetrics when `application/openmetrics-text` has a
 * quality at least that of the text format (Prometheus sends it first, q=1), the text format
 * otherwise (no header, `text/plain`, `*` wildcards).
 *
 * @example
 * negotiateFormat('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'); // 'openmetrics'
 */
export function negotiateFormat(accept: string | readonly string[] | undefined): ExpositionFormat {
  if (accept === undefined) return 'prometheus';
  const header = typeof accept === 'string' ? accept : accept.join(',');
  let openMetrics = 0;
  let text = 0;
  for (const range of header.split(',')) {
    const [typePart, ...params] = range.split(';');
    const type = (typePart ?? '').trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v?.trim());
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
      }
    }
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}
