import { createRequire } from 'node:module';
import { ObsError } from '../errors.js';
import type { Obs } from '../obs.js';
import { rejectUnknownKeys } from '../validate.js';

/** The identity of the traced service, when no `Obs` instance is at hand yet (e.g. a preload module). */
export interface TracingIdentity {
  /** `service.name`: use the same name as the metrics' `service` label. Required. */
  service: string;
  /** `service.version`. Default: none. */
  version?: string;
  /** `deployment.environment.name` (and the older `deployment.environment`). Default: none. */
  env?: string;
}

/**
 * The parts of `@opentelemetry/sdk-node`'s `NodeSDK` used here. Declared locally so that these
 * types check in a project without the optional peer installed.
 */
export interface TracingSdk {
  start(): void;
  shutdown(): Promise<void>;
}

/** An OpenTelemetry instrumentation (e.g. `new HttpInstrumentation()`), as `NodeSDK` takes it. */
export interface TracingInstrumentation {
  readonly instrumentationName: string;
  getConfig?(): object;
  setConfig?(config: object): void;
}

/** Options of {@link startTracing}. Everything else comes from the standard `OTEL_*` environment variables. */
export interface TracingOptions {
  /**
   * OpenTelemetry instrumentations to enable, e.g. `new HttpInstrumentation()` from
   * `@opentelemetry/instrumentation-http`, `new ExpressInstrumentation()` from
   * `@opentelemetry/instrumentation-express`. Default: none (only spans you start yourself).
   */
  instrumentations?: readonly (TracingInstrumentation | readonly TracingInstrumentation[])[];
  /**
   * URL paths whose incoming requests are not traced (set on `@opentelemetry/instrumentation-http`
   * as `ignoreIncomingRequestHook`, chained with a hook of yours): a scrape every 15 s is not a
   * trace anyone wants. `false` traces every request. Default: `['/metrics']`.
   */
  ignorePaths?: readonly string[] | false;
  /** Extra resource attributes (e.g. `{ 'service.namespace': 'shop' }`). Default: none. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Further `NodeSDK` configuration (`Partial<NodeSDKConfiguration>`: an explicit `traceExporter`,
   * `sampler`, `spanProcessors`…), taking precedence over the environment. Default: none.
   */
  sdk?: Record<string, unknown>;
}

/** What {@link startTracing} returns. */
export interface Tracing {
  /** The started OpenTelemetry Node SDK. */
  readonly sdk: TracingSdk;
  /** Flush the spans still buffered and stop the SDK. Idempotent; never rejects (a failed export is reported as a process warning). */
  shutdown(): Promise<void>;
}

const TRACING_KEYS = ['instrumentations', 'ignorePaths', 'resourceAttributes', 'sdk'] as const;
const SDK_PACKAGE = '@opentelemetry/sdk-node';
const SDK_RANGE = '^0.222';

interface SdkModule {
  NodeSDK: new (config: Record<string, unknown>) => TracingSdk;
  resources: { resourceFromAttributes(attributes: Record<string, string | number | boolean>): unknown };
}

/**
 * The optional peer, loaded when tracing starts (never by the main entry), from the application's
 * node_modules; its absence is a coded error with the install command, not a raw MODULE_NOT_FOUND.
 */
export function loadTracingSdk(name: string = SDK_PACKAGE): SdkModule {
  try {
    return createRequire(import.meta.url)(name) as SdkModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND' || !String((err as Error).message).includes(name)) throw err;
    throw new ObsError('OBS_ERR_MISSING_PEER', 'startTracing', name, `tracing needs the optional peer dependency ${name}, which is not installed: npm install ${name}@${SDK_RANGE}`);
  }
}

/** Chain an ignore hook for `paths` onto the HTTP instrumentation's own (if the user set one). */
function ignoreIncoming(instrumentation: TracingInstrumentation, paths: readonly string[]): void {
  if (instrumentation.instrumentationName !== '@opentelemetry/instrumentation-http' || !instrumentation.getConfig || !instrumentation.setConfig) return;
  const config = instrumentation.getConfig() as { ignoreIncomingRequestHook?: (req: { url?: string }) => boolean };
  const own = config.ignoreIncomingRequestHook;
  instrumentation.setConfig({
    ...config,
    ignoreIncomingRequestHook: (req: { url?: string }) => {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      if (paths.includes(q === -1 ? url : url.slice(0, q))) return true;
      return own ? own(req) : false;
    },
  });
}

function isObs(value: unknown): value is Obs {
  return value !== null && typeof value === 'object' && typeof (value as Obs).onShutdown === 'function' && typeof (value as Obs).service === 'string';
}

/**
 * Start OpenTelemetry tracing (`@opentelemetry/sdk-node`, an optional peer dependency) with the
 * same identity as the metrics: `service.name` = `service`, `service.version`,
 * `deployment.environment.name`. The exporter, its endpoint and protocol and the sampler come
 * from the standard variables (`OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL` incl. `http/json`, `OTEL_TRACES_SAMPLER`/`_ARG`, …). Metrics stay
 * with Prometheus: no OpenTelemetry metric reader or log processor is set up unless
 * `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` ask for one. Given an `Obs`, the SDK is shut
 * down (buffered spans flushed) by `obs.shutdown()`.
 *
 * Call it before the instrumented modules (`http`, `express`, `fastify`) are loaded: from a
 * module imported first, or `node --import ./tracing.js`.
 *
 * @example
 * // tracing.js, imported first
 * import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
 * import { startTracing } from '@obs/metrics-standard/tracing';
 * export const tracing = process.env.OTEL_TRACES_EXPORTER
 *   ? startTracing({ service: 'checkout-api', version: '1.4.2' }, { instrumentations: [new HttpInstrumentation()] })
 *   : undefined;
 * // later: obs.onShutdown(() => tracing?.shutdown());
 */
export function startTracing(target: Obs | TracingIdentity, options: TracingOptions = {}): Tracing {
  if (target === null || typeof target !== 'object') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'target', target, 'startTracing needs an Obs instance or { service, version?, env? }');
  }
  const { service, version, env } = target as TracingIdentity;
  if (typeof service !== 'string' || service === '') throw new ObsError('OBS_ERR_INVALID_SERVICE_NAME', 'service', service, 'startTracing needs the service name');
  if (version !== undefined && typeof version !== 'string') throw new ObsError('OBS_ERR_INVALID_OPTION', 'version', version, 'expected a string');
  if (env !== undefined && typeof env !== 'string') throw new ObsError('OBS_ERR_INVALID_OPTION', 'env', env, 'expected a string');
  if (options === null || typeof options !== 'object') throw new ObsError('OBS_ERR_INVALID_OPTION', 'options', options, 'expected an object');
  rejectUnknownKeys('', options, TRACING_KEYS);
  const { instrumentations = [], ignorePaths = ['/metrics'], resourceAttributes = {}, sdk: sdkConfig = {} } = options;
  if (ignorePaths !== false && (!Array.isArray(ignorePaths) || ignorePaths.some((p) => typeof p !== 'string' || !p.startsWith('/')))) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'ignorePaths', ignorePaths, 'expected false or an array of URL paths such as "/metrics"');
  }
  if (!Array.isArray(instrumentations)) throw new ObsError('OBS_ERR_INVALID_OPTION', 'instrumentations', instrumentations, 'expected an array of OpenTelemetry instrumentations');
  if (resourceAttributes === null || typeof resourceAttributes !== 'object') {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'resourceAttributes', resourceAttributes, 'expected an object of attribute values');
  }

  const identity: Record<string, string | number | boolean> = { ...resourceAttributes, 'service.name': service };
  if (version !== undefined) identity['service.version'] = version;
  if (env !== undefined) {
    identity['deployment.environment.name'] = env;
    identity['deployment.environment'] = env;
  }
  const { NodeSDK, resources } = loadTracingSdk();
  if (ignorePaths !== false) for (const i of instrumentations.flat()) ignoreIncoming(i, ignorePaths);
  const sdk = new NodeSDK({
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(process.env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    ...sdkConfig,
    // The detected resource (host, process, OTEL_RESOURCE_ATTRIBUTES) is merged under this one;
    // serviceName is applied last by the SDK, so it also wins over OTEL_SERVICE_NAME.
    resource: resources.resourceFromAttributes(identity),
    serviceName: service,
    instrumentations,
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    sdk,
    shutdown() {
      stopped ??= sdk.shutdown().then(undefined, (err: unknown) => {
        const message = `flushing spans at shutdown failed: ${err instanceof Error ? err.message : String(err)}.`;
        if (isObs(target)) target.context.warner.once('OBS_WARN_TRACING_SHUTDOWN', 'tracing', message);
        else process.emitWarning(message, { code: 'OBS_WARN_TRACING_SHUTDOWN' });
      });
      return stopped;
    },
  };
  if (isObs(target)) target.onShutdown(() => tracing.shutdown());
  return tracing;
}
