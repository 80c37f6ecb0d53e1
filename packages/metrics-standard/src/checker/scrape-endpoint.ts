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

/** Default cap on the bytes read from an endpoint (after decompression): 10 MiB. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** How much of an error body (non-2xx answer) is read to show an excerpt of it. */
const ERROR_BODY_BYTES = 4096;

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}

class TooLarge extends Error {}

/**
 * Reads at most `limit` bytes of a body (decompressed, as `fetch` delivers it). Past the limit it
 * aborts the request and throws {@link TooLarge}, or, with `truncate`, returns what it has.
 */
async function readCapped(res: Response, limit: number, abort: () => void, truncate = false): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (!truncate && Number.isFinite(declared) && declared > limit) {
    abort();
    throw new TooLarge();
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - total));
      total = limit;
      abort();
      reader.cancel().catch(() => {});
      if (truncate) break;
      throw new TooLarge();
    }
    chunks.push(value);
    total += value.byteLength;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * GETs a /metrics URL the way Prometheus does (same `Accept`, optional bearer token). One deadline
 * (`timeoutMs`) covers connecting, the headers and the whole body, so a server that trickles its
 * body times out; at most `maxBytes` of body are read (the request is aborted past it).
 */
export async function scrapeEndpoint(
  input: string | URL,
  options: { token?: string | undefined; timeoutMs: number; maxBytes?: number },
): Promise<ScrapedEndpoint> {
  const url = parseUrl(input);
  const shown = url.href;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { accept: PROMETHEUS_ACCEPT, 'user-agent': 'obs-contract' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), options.timeoutMs);
  const abort = () => controller.abort(new DOMException('response too large', 'AbortError'));
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw new ScrapeError(shown, networkReason(err, options.timeoutMs));
    }
    if (!res.ok) {
      const body = await readCapped(res, ERROR_BODY_BYTES, abort, true).catch(() => '');
      const excerpt = body.trim() === '' ? '' : `; the body starts: ${JSON.stringify(body.trim().slice(0, 200))}`;
      const hint =
        res.status === 401
          ? options.token === undefined
            ? ': the endpoint wants a bearer token, set OBS_CONTRACT_TOKEN (or pass --token)'
            : ': the token was refused'
          : res.status === 403
            ? ": this address is not on the endpoint's allowlist"
            : res.status === 404
              ? ': is this the metrics path?'
              : '';
      throw new ScrapeError(shown, `HTTP ${res.status} ${res.statusText}${hint}${excerpt}`, res.status);
    }
    let text: string;
    try {
      text = await readCapped(res, maxBytes, abort);
    } catch (err) {
      if (err instanceof TooLarge) {
        throw new ScrapeError(
          shown,
          `the response is larger than the ${mib(maxBytes)} cap (--max-bytes ${maxBytes}); stopped reading and closed the connection. A real /metrics page is far smaller: check the URL, or raise --max-bytes`,
          res.status,
        );
      }
      throw new ScrapeError(shown, `reading the response failed: ${networkReason(err, options.timeoutMs)}`, res.status);
    }
    return { url: shown, text, contentType: res.headers.get('content-type') ?? undefined };
  } finally {
    clearTimeout(timer);
  }
}
