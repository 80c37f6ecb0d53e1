import { DEFAULT_MAX_SERIES_PER_METRIC } from '../cardinality.js';
import { ObsError } from '../errors.js';
import { optionalInteger, optionalString, rejectUnknownKeys } from '../validate.js';
import { buildContext, CHECK_PROFILES, type CheckProfile } from './context.js';
import { detectFormat, type Exposition, type ExpositionFormatName, ExpositionSyntaxError, parseExposition } from './exposition.js';
import { RULES, type RuleResult } from './rules/index.js';
import { DEFAULT_MAX_BYTES, scrapeEndpoint } from './scrape-endpoint.js';

/** Options of {@link checkContract}. */
export interface CheckOptions {
  /** Which groups must be present: `auto` (default) requires HTTP/worker metrics when any `http_`/`worker_` metric is exposed; `http` or `worker` require that group whatever is exposed. The service group is always required. */
  profile?: CheckProfile;
  /** Bearer token sent as `Authorization: Bearer <token>` when scraping a URL. Default: none. */
  token?: string;
  /** Scrape timeout in milliseconds. Default: 10000. */
  timeoutMs?: number;
  /** Cardinality budget: most distinct label sets allowed per metric. Default: 2000 (the SDK's own cap). */
  maxSeries?: number;
  /** Most bytes of body read from the URL (after decompression); past it the scrape fails with `OBS_ERR_SCRAPE_FAILED`. Default: 10 MiB. */
  maxBytes?: number;
}

/** What {@link checkContract} reads: a URL to scrape, or an exposition already in hand. */
export type CheckInput = string | URL | { readonly text: string; readonly contentType?: string };

/** The verdict on one endpoint: the stable shape `obs-contract check --json` prints. */
export interface CheckResult {
  /** The scraped URL, or `null` for `{ text }` input. */
  readonly url: string | null;
  /** True when every rule passed. */
  readonly ok: boolean;
  readonly profile: CheckProfile;
  /** The groups that were required: `service`, plus `http`/`worker` by profile or detection. */
  readonly groups: readonly string[];
  /** The exposition format that was read. */
  readonly format: ExpositionFormatName;
  /** One verdict per rule, `exposition` first. */
  readonly rules: readonly RuleResult[];
}

const OPTION_KEYS = ['profile', 'token', 'timeoutMs', 'maxSeries', 'maxBytes'] as const;
const DEFAULT_TIMEOUT_MS = 10_000;

/** The id of the rule that the exposition parses at all. */
export const EXPOSITION_RULE = 'exposition';

function formatLabel(format: ExpositionFormatName): string {
  return format === 'openmetrics' ? 'OpenMetrics 1.0' : 'Prometheus text format 0.0.4';
}

function validate(options: CheckOptions): Required<Omit<CheckOptions, 'token'>> & { token: string | undefined } {
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, OPTION_KEYS);
  const profile = options.profile ?? 'auto';
  if (!CHECK_PROFILES.includes(profile)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'profile', profile, `expected one of ${CHECK_PROFILES.join(', ')}`);
  const token = optionalString('token', options.token);
  if (token === '') throw new ObsError('OBS_ERR_INVALID_OPTION', 'token', token, 'expected a non-empty token, or omit the option');
  return {
    profile,
    token,
    timeoutMs: optionalInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000),
    maxSeries: optionalInteger('maxSeries', options.maxSeries, DEFAULT_MAX_SERIES_PER_METRIC, 1),
    maxBytes: optionalInteger('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES, 1024, 2 ** 32),
  };
}

/**
 * Checks that a /metrics endpoint (any language) speaks the @obs metrics contract: required
 * metrics with the right type, unit and labels, the `service` label, the histogram buckets the
 * alerts need, route templates in `path`, bounded label values and cardinality. Rejects with an
 * `ObsError` (`OBS_ERR_SCRAPE_FAILED`) when the URL cannot be scraped, and with
 * `OBS_ERR_INVALID_OPTION` on bad options; contract violations are results, not errors. The
 * result's strings quote the endpoint verbatim: print them through {@link formatReport} (or
 * `printable`), which escapes control characters and truncates.
 *
 * @example
 * import { checkContract } from '@obs/metrics-standard';
 * const result = await checkContract(`http://127.0.0.1:${port}/metrics`, { profile: 'http' });
 * expect(result.rules.filter((r) => !r.ok)).toEqual([]);
 *
 * @example
 * // In a unit test, without a server:
 * const { body, contentType } = await scrape(obs);
 * const { ok } = await checkContract({ text: body, contentType });
 */
export async function checkContract(input: CheckInput, options: CheckOptions = {}): Promise<CheckResult> {
  const opts = validate(options);
  let url: string | null = null;
  let text: string;
  let contentType: string | undefined;
  if (typeof input === 'string' || input instanceof URL) {
    const scraped = await scrapeEndpoint(input, { token: opts.token, timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
    url = scraped.url;
    text = scraped.text;
    contentType = scraped.contentType;
  } else if (input !== null && typeof input === 'object' && typeof input.text === 'string') {
    text = input.text;
    contentType = optionalString('input.contentType', input.contentType);
  } else {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'input', input, 'expected a URL, or { text } with an exposition');
  }
  return checkExposition(text, contentType, url, opts.profile, opts.maxSeries);
}

function checkExposition(text: string, contentType: string | undefined, url: string | null, profile: CheckProfile, maxSeries: number): CheckResult {
  const format = detectFormat(contentType, text);
  let exposition: Exposition;
  try {
    exposition = parseExposition(text, format);
  } catch (err) {
    if (!(err instanceof ExpositionSyntaxError)) throw err;
    const line = text.split('\n')[err.line - 1] ?? '';
    const rule: RuleResult = {
      id: EXPOSITION_RULE,
      ok: false,
      message: `not a valid ${formatLabel(format)} exposition (Prometheus would fail the scrape): ${err.message}`,
      examples: line === '' ? [] : [line.length > 200 ? `${line.slice(0, 200)}…` : line],
    };
    return { url, ok: false, profile, groups: [], format, rules: [rule] };
  }
  const ctx = buildContext(exposition, profile, maxSeries);
  const rules: RuleResult[] = [
    { id: EXPOSITION_RULE, ok: true, message: `${formatLabel(format)}, ${exposition.families.size} metric families`, examples: [] },
    ...RULES.map((rule) => ({ id: rule.id, ...rule.check(ctx) })),
  ];
  return { url, ok: rules.every((r) => r.ok), profile, groups: ctx.requiredGroups.map((g) => g.id), format, rules };
}
