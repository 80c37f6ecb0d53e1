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
  OBS_ERR_INVALID_CONFIG: 'Fix the named field of the configuration as the message says.',
  OBS_ERR_ALREADY_REGISTERED: 'Give custom metrics names that are not in the contract and not registered twice.',
  OBS_ERR_MISSING_PEER: 'Install the optional peer dependency the message names, with the command it gives (e.g. `npm install @opentelemetry/sdk-node@^0.222`), or do not call the feature that needs it.',
  OBS_ERR_SCRAPE_FAILED: 'Check that the URL answers 200 with a metrics exposition from here: the service is running, the path is right, and pass a bearer token (--token or OBS_CONTRACT_TOKEN) when the endpoint is protected.',
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
  OBS_ERR_INVALID_CONFIG: 'A configuration file or object (dashboards, rules, checker) has an invalid field.',
  OBS_ERR_ALREADY_REGISTERED: 'A metric of this name is already registered on this instance (contract metrics are registered by `createObs`).',
  OBS_ERR_MISSING_PEER: 'A feature needs an optional peer dependency (tracing: `@opentelemetry/sdk-node`) that is not installed in the application.',
  OBS_ERR_SCRAPE_FAILED: 'The contract checker could not read a metrics exposition from the URL it was given.',
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
  OBS_WARN_SELECTOR_LABEL: 'A dashboards selector uses a label that no series is known to carry; add it to every target with `targetLabels`, or list it in `knownLabels` when your services or relabelling add it.',
  OBS_WARN_TRACING_SHUTDOWN: 'Flushing the buffered spans when tracing shut down failed; those spans are lost, the shutdown went on.',
} as const;

/** A warning code. */
export type ObsWarningCode = keyof typeof WARNING_CODES;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
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
  /** What was received, as passed. */
  readonly received: unknown;
  /** How to fix it. */
  readonly hint: string;
  /** What is wrong with it, as the message says between parentheses. */
  readonly detail: string | undefined;

  constructor(code: ObsErrorCode, option: string, received: unknown, detail?: string) {
    const hint = ERROR_CODES[code];
    super(`${code}: invalid option \`${option}\`${detail ? ` (${detail})` : ''}: received ${show(received)}. ${hint}`);
    this.name = 'ObsError';
    this.code = code;
    this.option = option;
    this.received = received;
    this.hint = hint;
    this.detail = detail;
  }
}
