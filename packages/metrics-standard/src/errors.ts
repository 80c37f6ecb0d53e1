/**
 * Every start-up error @obs throws, with the fix. `docs/errors.md` is written from this table, so
 * the code, the message and the documentation cannot drift apart.
 */
export const ERROR_CODES = {
  OBS_ERR_INVALID_SERVICE_NAME: 'Set `service` to a name matching ^[a-z][a-z0-9_-]{0,62}$, e.g. "checkout-api".',
  OBS_ERR_INVALID_OPTION: 'Pass a value of the documented type for this option (see the package README).',
  OBS_ERR_INVALID_LABEL: 'Label names match ^[a-zA-Z_][a-zA-Z0-9_]*$, do not start with __, and must not clash with contract labels.',
  OBS_ERR_INVALID_BUCKETS: 'Pass ascending, finite, positive bucket bounds that keep the bounds the alerts need (1 s for HTTP, 60 s for tasks).',
  OBS_ERR_INVALID_CIDR: 'Write allowlist entries as an IP address or CIDR, e.g. "10.0.0.0/8", "192.168.1.7", "fd00::/8".',
  OBS_ERR_INVALID_TOKEN: 'Pass a bearer token of at least 16 printable ASCII characters without spaces (e.g. the output of `openssl rand -hex 32`), or omit the option.',
  OBS_ERR_MISSING_TOKEN:
    'Set the environment variable that holds the token (e.g. METRICS_TOKEN) before the service starts; to serve the metrics without a token on purpose, remove the `token` key and pass `open: true` (or protect them with `allow`).',
  OBS_ERR_INVALID_CONFIG: 'Fix the named field of the configuration as the message says.',
  OBS_ERR_ALREADY_REGISTERED: 'Give custom metrics names that are not in the contract and not registered twice.',
  OBS_ERR_MISSING_PEER: 'Install the optional peer dependency the message names, with the command it gives (e.g. `npm install @opentelemetry/sdk-node@^0.222`), or do not call the feature that needs it.',
  OBS_ERR_SCRAPE_FAILED: 'Check that the URL answers 200 with a metrics exposition from here: the service is running, the path is right, and pass a bearer token (--token or OBS_CONTRACT_TOKEN) when the endpoint is protected.',
  OBS_ERR_UNSAFE_OUTPUT: 'Point `--out` (or `writeOutput`\'s folder) at a folder of its own, e.g. `dashboards`: never empty, the filesystem root or your home folder, and move aside files obs-dashboards did not write that sit where it writes. Nothing was written.',
} as const;

/** A coded @obs error code. */
export type ObsErrorCode = keyof typeof ERROR_CODES;

/**
 * What each start-up error means: the "meaning" column of `docs/errors.md` (the fix is the
 * {@link ERROR_CODES} text). A test fails when a code has no meaning here.
 */
export const ERROR_MEANINGS: Partial<Record<ObsErrorCode, string>> = {
  OBS_ERR_INVALID_SERVICE_NAME: 'The `service` option is missing or is not a label-safe slug, so it cannot be the `service` label of every series.',
  OBS_ERR_INVALID_OPTION: 'An option has the wrong type or range, or is not an option at all (a typo must not pass silently).',
  OBS_ERR_INVALID_LABEL: 'A constant label name is not a valid Prometheus label name, or it would overwrite a contract label.',
  OBS_ERR_INVALID_BUCKETS: 'A histogram bucket override is not a usable list of bounds, or drops a bound the shipped alerts compare against.',
  OBS_ERR_INVALID_CIDR: 'An entry of the `allow` list of a metrics endpoint is not an IP address or CIDR (or the list is empty).',
  OBS_ERR_INVALID_TOKEN: 'The bearer token protecting a metrics endpoint is not a string of at least 16 printable characters without spaces.',
  OBS_ERR_MISSING_TOKEN: 'A metrics endpoint was given a `token` key whose value is undefined, null or empty (usually `process.env.METRICS_TOKEN` with the variable unset); it is refused rather than served open.',
  OBS_ERR_INVALID_CONFIG: 'A configuration file or object (dashboards, rules, checker) has an invalid field.',
  OBS_ERR_ALREADY_REGISTERED: 'A metric of this name is already registered on this instance (contract metrics are registered by `createObs`).',
  OBS_ERR_MISSING_PEER: 'A feature needs an optional peer dependency (tracing: `@opentelemetry/sdk-node`) that is not installed in the application.',
  OBS_ERR_SCRAPE_FAILED: 'The contract checker could not read a metrics exposition from the URL it was given.',
  OBS_ERR_UNSAFE_OUTPUT: 'The dashboards generator was pointed at a folder where writing could destroy files it did not write (empty path, root, home folder, or a foreign file where a generated one goes).',
};

/**
 * How to fix what each warning reports: the "how to fix" column of `docs/errors.md` (the meaning
 * is the {@link WARNING_CODES} text).
 */
export const WARNING_FIXES: Partial<Record<ObsWarningCode, string>> = {
  OBS_WARN_CARDINALITY_CAP: 'Record route templates and bounded values only (never ids, URLs or user input as label values); raise `maxSeriesPerMetric` only when the values really are bounded.',
  OBS_WARN_ERROR_TYPE_CAP: 'Give errors a stable `code` or `name` (not a message) so that types stay few; raise `maxErrorTypes` when you really have more kinds.',
  OBS_WARN_RECORD_FAILED: 'Read the message for the cause (usually a non-numeric value passed to inc/set/observe) and fix the call site.',
  OBS_WARN_COLLECT_FAILED: 'Make the named collect callback (or registry metric) handle its own failures; the message names it and the error it threw.',
  OBS_WARN_QUEUE_SIZE_FAILED: 'Check the connection of the queue adapter (e.g. Redis for BullMQ) and its timeout; the series come back on the next successful scrape.',
  OBS_WARN_METRICS_UNPROTECTED:
    'Pass `token` (a secret Prometheus sends as a bearer token) or `allow` (the scrapers\' addresses), or serve the metrics on a separate port bound to a private interface; if a network policy already restricts who reaches the port, pass `open: true` to say so.',
  OBS_WARN_SCRAPE_REJECTED: 'Scrape less often or from fewer scrapers, or raise `maxConcurrentScrapes`; a legitimate Prometheus sends one scrape at a time per target.',
  OBS_WARN_QUEUE_ERROR: 'Read the message for the cause (usually the queue\'s Redis connection); later errors are counted in `service_errors_total` without a new warning.',
  OBS_WARN_SELECTOR_LABEL: 'Set `targetLabels` (e.g. `{ cluster: \'eu-prod\' }`) so the generated scrape configuration adds the label, select on a label that exists (`service`, `job`, `instance`), or list the label in `knownLabels` if your services add it (`constLabels`).',
  OBS_WARN_TRACING_SHUTDOWN: 'Check that the trace exporter\'s endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`) is reachable at shutdown; the message names the error.',
};

/** Warning codes emitted (once each) at record or scrape time instead of throwing into the host. */
export const WARNING_CODES = {
  OBS_WARN_CARDINALITY_CAP: 'A metric reached its cap of distinct label sets; new combinations are recorded under the overflow value. Raise `maxSeriesPerMetric` or stop putting unbounded values in labels.',
  OBS_WARN_ERROR_TYPE_CAP: 'More distinct error types than `maxErrorTypes` were seen; the rest are counted as `other`.',
  OBS_WARN_RECORD_FAILED: 'Recording a measurement threw; the measurement was dropped and the host was not affected.',
  OBS_WARN_COLLECT_FAILED: 'A collector failed at scrape time; its series are absent from this scrape.',
  OBS_WARN_QUEUE_SIZE_FAILED: 'A queue-size source failed or timed out at scrape time; its series are absent until it answers again.',
  OBS_WARN_METRICS_UNPROTECTED: 'An open metrics endpoint (no token, no allowlist, no `open: true`) is on the application\'s port or a non-loopback address: anyone who reaches it reads the route names, error types and resource use.',
  OBS_WARN_SCRAPE_REJECTED: 'More scrapes arrived at once than `maxConcurrentScrapes`; the extra ones were answered 503 with Retry-After.',
  OBS_WARN_QUEUE_ERROR: 'A queue consumer (e.g. a BullMQ worker) emitted an `error` event; it is counted in `service_errors_total{type}` each time and told once.',
  OBS_WARN_SELECTOR_LABEL: 'A dashboards selector uses a label that no series is known to carry; add it to every target with `targetLabels`, or list it in `knownLabels` when your services or relabelling add it.',
  OBS_WARN_TRACING_SHUTDOWN: 'Flushing the buffered spans when tracing shut down failed; those spans are lost, the shutdown went on.',
} as const;

/** A warning code. */
export type ObsWarningCode = keyof typeof WARNING_CODES;

const SECRET_OPTION = /token|secret|passw|pwd|credential|api_?key|apikey|auth|cookie|session|webhook|dsn|private|signature|bearer/i;
const URL_WITH_USERINFO = /[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;
const WEBHOOK_OR_KEY = /hooks\.slack\.com|discord(?:app)?\.com\/api\/webhooks|webhook\.office\.com|^(?:xox[abposr]-|gh[pousr]_|github_pat_|sk_|rk_|pk_live|AKIA|ASIA|eyJ)|bearer\s/i;
const SHORT_STRING = 32;

/** True for a string that looks like a credential: a URL with user info, a webhook URL, a known key prefix, or a long run of random-looking characters. */
function looksSecret(s: string): boolean {
  if (URL_WITH_USERINFO.test(s) || WEBHOOK_OR_KEY.test(s)) return true;
  // A long token-shaped run without spaces (an API key, a hex or base64 secret), unless it is made
  // of words and numbers (`checkout-api-v2-eu-west-1`).
  if (s.length < 16 || !/^[A-Za-z0-9+/=_\-.~:]+$/.test(s) || !/[0-9]/.test(s) || !/[A-Za-z]/.test(s)) return false;
  return !s.split(/[-_.:/]/).every((part) => part.length <= 4 || (part.length <= 12 && /^(?:[A-Za-z]+|[0-9]+)$/.test(part)));
}

/**
 * Free text (an error message, a warning) with what looks like a credential masked: the user info
 * of URLs, Slack/Discord webhook paths, bearer tokens.
 *
 * @example
 * redactSecrets('connect to redis://:s3cret@cache:6379 failed'); // 'connect to redis://***@cache:6379 failed'
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi, '$1***@')
    .replace(/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)\S+/gi, '$1***')
    .replace(/(discord(?:app)?\.com\/api\/webhooks\/)\S+/gi, '$1***')
    .replace(/(bearer\s+)\S+/gi, '$1***');
}

const TYPE_ONLY: unique symbol = Symbol('obs.typeOnly');

/** Marks a received value whose content must never be shown (e.g. the value of an unknown option), only its type. For the @obs packages. */
export function typeOnly(value: unknown): unknown {
  return { [TYPE_ONLY]: true, value };
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'string') return `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * How an error message shows a received value, the one formatter of every coded error: numbers,
 * booleans, null and undefined as they are; an array of numbers (buckets) truncated; a short plain
 * string truncated to 32 characters; everything else by its type only. A value that may be a secret
 * (any string under a token-like option name, a URL with user info, a webhook URL, a long
 * random-looking string, the value of an unknown option) is never shown, only its type and length.
 *
 * @example
 * describeReceived('hunter2-secret', 'token'); // 'a string of 14 characters (hidden)'
 * describeReceived('/metrics', 'path');        // '"/metrics"'
 */
export function describeReceived(value: unknown, option = ''): string {
  if (value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[TYPE_ONLY] === true) {
    const inner = (value as { value: unknown }).value;
    return typeof inner === 'string' ? `${typeOf(inner)} (hidden)` : typeOf(inner);
  }
  const last = option.slice(option.lastIndexOf('.') + 1);
  if (SECRET_OPTION.test(last) && value !== undefined && value !== null && typeof value !== 'boolean') return `${typeOf(value)} (hidden)`;
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string': {
      if (looksSecret(value)) return `${typeOf(value)} (hidden)`;
      if (value.length <= SHORT_STRING) return JSON.stringify(value);
      return `${JSON.stringify(value.slice(0, SHORT_STRING))}… (${typeOf(value)})`;
    }
    default:
      if (value === null) return 'null';
      if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) {
        const s = JSON.stringify(value);
        return s.length > 120 ? `${s.slice(0, 117)}...` : s;
      }
      return typeOf(value);
  }
}

/** An option path as shown in a message: printable and at most 80 characters. */
function showOption(option: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = option.replace(/[\u0000-\u001f\u007f-\u009f`]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

/**
 * A start-up error with a searchable code, the option at fault, what was received and how to fix it.
 *
 * @example
 * try { createObs({ service: 'My Service' }) } catch (e) { if (e instanceof ObsError) console.log(e.code) }
 */
export class ObsError extends Error {
  /** The `OBS_ERR_…` code; see docs/errors.md. */
  readonly code: ObsErrorCode;
  /** The option (or config field) at fault, as a dotted path. */
  readonly option: string;
  /**
   * What was received, as passed. Not enumerable, so that logging the error object (pino,
   * `console.log`) never prints it; the message shows it through {@link describeReceived}.
   */
  declare readonly received: unknown;
  /** True when the message shows only the type of `received` (e.g. the value of an unknown key). */
  declare readonly receivedTypeOnly: boolean;
  /** How to fix it. */
  readonly hint: string;
  /** What is wrong with it, as the message says between parentheses. */
  readonly detail: string | undefined;

  constructor(code: ObsErrorCode, option: string, received: unknown, detail?: string) {
    const hint = ERROR_CODES[code];
    super(`${code}: invalid option \`${showOption(option)}\`${detail ? ` (${detail})` : ''}: received ${describeReceived(received, option)}. ${hint}`);
    this.name = 'ObsError';
    this.code = code;
    this.option = option;
    const onlyType = received !== null && typeof received === 'object' && (received as Record<symbol, unknown>)[TYPE_ONLY] === true;
    const raw = onlyType ? (received as { value: unknown }).value : received;
    Object.defineProperty(this, 'received', { value: raw, enumerable: false });
    // Rethrown under a longer option path (withOptionPath), the value stays described by type only.
    Object.defineProperty(this, 'receivedTypeOnly', { value: onlyType, enumerable: false });
    this.hint = hint;
    this.detail = detail;
  }
}
