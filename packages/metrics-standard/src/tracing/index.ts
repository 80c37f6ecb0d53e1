import { NodeSDK, type NodeSDKConfiguration, resources } from '@opentelemetry/sdk-node';
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

/** Options of {@link startTracing}. Everything else comes from the standard `OTEL_*` environment variables. */
export interface TracingOptions {
  /**
   * OpenTelemetry instrumentations to enable, e.g. `new HttpInstrumentation()` from
   * `@opentelemetry/instrumentation-http`, `new ExpressInstrumentation()` from
   * `@opentelemetry/instrumentation-express`. Default: none (only spans you start yourself).
   */
  instrumentations?: NodeSDKConfiguration['instrumentations'];
  /** Extra resource attributes (e.g. `{ 'service.namespace': 'shop' }`). Default: none. */
  resourceAttributes?: Record<string, string | number | boolean>;
  /**
   * Further `NodeSDK` configuration (an explicit `traceExporter`, `sampler`, `spanProcessors`…),
   * taking precedence over the environment. Default: none.
   */
  sdk?: Partial<NodeSDKConfiguration>;
}

/** What {@link startTracing} returns. */
export interface Tracing {
  /** The started OpenTelemetry Node SDK. */
  readonly sdk: NodeSDK;
  /** Flush the spans still buffered and stop the SDK. Idempotent; never rejects (a failed export is reported as a process warning). */
  shutdown(): Promise<void>;
}

const TRACING_KEYS = ['instrumentations', 'resourceAttributes', 'sdk'] as const;

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
  const { instrumentations = [], resourceAttributes = {}, sdk: sdkConfig = {} } = options;
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
