// A small client for the Prometheus HTTP API (v1): instant and range queries, label values,
// targets. Every call fails loudly with Prometheus's own error text.

/** One series of a query result (vector or matrix). */
export interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

/** A scrape target as /api/v1/targets reports it. */
export interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** Result of a query: the result type and its series (a scalar becomes one series without labels). */
export interface QueryResult {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  series: Series[];
}

/**
 * Prometheus HTTP API at `base` (e.g. `http://127.0.0.1:9090`).
 *
 * @example
 * const prom = new PrometheusApi('http://127.0.0.1:9090');
 * const { series } = await prom.query('up');
 */
export class PrometheusApi {
  constructor(readonly base: string) {}

  private async call<T>(path: string, params: Record<string, string | string[]>, method: 'GET' | 'POST' = 'POST'): Promise<T> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const url = method === 'GET' ? `${this.base}${path}?${body}` : `${this.base}${path}`;
    const res = await fetch(url, {
      method,
      ...(method === 'POST' && { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (json.status !== 'success') throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${json.errorType}: ${json.error}`);
    return json.data;
  }

  private static result(data: { resultType: QueryResult['resultType']; result: unknown }): QueryResult {
    if (data.resultType === 'scalar' || data.resultType === 'string') return { resultType: data.resultType, series: [{ metric: {}, value: data.result as [number, string] }] };
    return { resultType: data.resultType, series: data.result as Series[] };
  }

  /** Instant query at `time` (seconds; default now). */
  async query(expr: string, time?: number): Promise<QueryResult> {
    return PrometheusApi.result(await this.call('/api/v1/query', { query: expr, ...(time !== undefined && { time: String(time) }) }));
  }

  /** Range query over [start, end] (seconds) at `step` seconds. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<QueryResult> {
    return PrometheusApi.result(await this.call('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) }));
  }

  /** Values of `label`, optionally only on series matching `match` selectors, within [start, end]. */
  async labelValues(label: string, match: string[], start: number, end: number): Promise<string[]> {
    return this.call<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, { 'match[]': match, start: String(start), end: String(end) }, 'GET');
  }

  /** Active scrape targets. */
  async targets(): Promise<Target[]> {
    return (await this.call<{ activeTargets: Target[] }>('/api/v1/targets', { state: 'active' }, 'GET')).activeTargets;
  }

  /** Alerting rules' alerts (pending and firing) as the rule manager sees them. */
  async alerts(): Promise<{ labels: Record<string, string>; state: string }[]> {
    return (await this.call<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts', {}, 'GET')).alerts;
  }

  /** Loaded rule groups (names and rule counts), to prove the generated packs are loaded. */
  async ruleGroups(): Promise<{ name: string; file: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[]> {
    return (await this.call<{ groups: { name: string; file: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules', {}, 'GET')).groups;
  }
}
