import { ObsError } from '../errors.js';

/** The `Accept` header Prometheus 2.x sends: OpenMetrics first, the text format as fallback. */
export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** The endpoint could not be scraped: unreachable, timed out, or answered other than 2xx. */
export class ScrapeError extends ObsError {
  /** The HTTP status when the endpoint answered, e.g. 401. */
  readonly status: number | undefined;

  constructor(url: string, detail: string, status?: number) {
    super('OBS_ERR_SCRAPE_FAILED', 'url', url, detail);
    this.name = 'ScrapeError';
    this.status = status;
    this.message = `OBS_ERR_SCRAPE_FAILED: could not scrape ${url}: ${detail}`;
  }
}

/** What one scrape returned. */
export interface ScrapedEndpoint {
  readonly url: string;
  readonly text: string;
  readonly contentType: string | undefined;
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'url', String(input), 'expected an absolute http(s) URL, e.g. http://127.0.0.1:3000/metrics');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'url', String(input), 'expected an http: or https: URL');
  }
  return url;
}

function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms (raise --timeout)`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is the service running and listening on this address?';
  if (cause?.code === 'ENOTFOUND') return 'host not found (ENOTFOUND)';
  if (cause?.code) return `${cause.message ?? 'network error'} (${cause.code})`;
  return err instanceof Error ? (cause?.message ?? err.message) : String(err);
}

/** GETs a /metrics URL the way Prometheus does (same `Accept`, optional bearer token). */
export async function scrapeEndpoint(input: string | URL, options: { token?: string | undefined; timeoutMs: number }): Promise<ScrapedEndpoint> {
  const url = parseUrl(input);
  const shown = url.href;
  const headers: Record<string, string> = { accept: PROMETHEUS_ACCEPT, 'user-agent': 'obs-contract' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new ScrapeError(shown, networkReason(err, options.timeoutMs));
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new ScrapeError(shown, `reading the response failed: ${networkReason(err, options.timeoutMs)}`, res.status);
  }
  if (!res.ok) {
    const hint =
      res.status === 401
        ? options.token === undefined
          ? ': the endpoint wants a bearer token, pass --token (or OBS_CONTRACT_TOKEN)'
          : ': the token was refused'
        : res.status === 403
          ? ': this address is not on the endpoint\'s allowlist'
          : res.status === 404
            ? ': is this the metrics path?'
            : '';
    throw new ScrapeError(shown, `HTTP ${res.status} ${res.statusText}${hint}`, res.status);
  }
  return { url: shown, text, contentType: res.headers.get('content-type') ?? undefined };
}
