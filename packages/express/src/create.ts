import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createLogger, createMetricsHandler, logRequest, type Obs, type ShutdownOptions, sampledSpanContext, UNMATCHED_PATH, warnUnprotected } from '@obs/metrics-standard';
import { addListener, isTracked, type StartInfo, startOf, subscribeHttpChannels, type Tracked, trackOnConnection } from './channels.js';
import { type ObsExpressOptions, resolveOptions } from './options.js';
import { type AppLike, type RouteLike, RouteTemplates } from './route-template.js';

/** Express's `next`, as the middleware sees it (structural: no dependency on @types/express). */
export type NextFunction = (err?: unknown) => void;

/** A request handler Express accepts (`app.use(handler)`), in Express 4 and 5. */
export type ObsRequestHandler = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/** An error-handling middleware Express accepts (`app.use(errorHandler)`), in Express 4 and 5. */
export type ObsErrorHandler = (err: unknown, req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/** A handler serving the metrics: mount it as an Express route or use it as a node:http listener. */
export type ObsMetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The server-like object {@link ObsExpress.close} closes (a node:http / https server). */
export type ClosableServer = Pick<Server, 'close'> & { closeIdleConnections?: () => void };

/** What {@link createObsExpress} returns. */
export interface ObsExpress {
  /** The instrumentation (registry, recorders, `shutdown()`); register domain metrics on it. */
  readonly obs: Obs;
  /**
   * Mount first: `app.use(middleware)`. Counts every request once, under its route template, and
   * answers `metrics.path` itself unless `metrics: false`.
   */
  readonly middleware: ObsRequestHandler;
  /**
   * Mount after your routes and before your own error handler: records the error in
   * `service_errors_total` and passes it on with `next(err)`.
   */
  readonly errorHandler: ObsErrorHandler;
  /**
   * Per-route opt-out: put it before a route's handler (`app.get('/healthz', o.skip, handler)`) and
   * that route is left out of the HTTP metrics (health checks, probes). For paths known up front the
   * `ignore` option does the same without a route.
   */
  readonly skip: ObsRequestHandler;
  /** The metrics endpoint with the configured protection, to mount elsewhere (e.g. `adminApp.get('/metrics', metricsHandler)`). */
  readonly metricsHandler: ObsMetricsHandler;
  /**
   * Graceful shutdown: `service_up` becomes 0 at once, in-flight requests drain (up to
   * `timeoutMs`, default 10 s), then the listener closes. Resolves true when everything drained.
   */
  close(server?: ClosableServer, options?: ShutdownOptions): Promise<boolean>;
}

const ERROR_SEEN = Symbol('obs.express.error');
/**
 * Responses whose route opted out with `o.skip`. A WeakSet, not a mark on the response: reading a
 * property of an Express response costs about 2 000 instructions (its ICs are megamorphic: Express
 * swaps the prototypes of req and res on every request), while `has()` on a response that never
 * entered the set is a few dozen (it has no identity hash). See bench/notes.md.
 */
const skipped = new WeakSet<object>();
/** Responses tracked with a listener of their own (requests node:http's start channel did not announce). */
const trackedByListener = new WeakSet<object>();

type SpanContext = NonNullable<ReturnType<typeof sampledSpanContext>>;

/** What one instance records a completed request with. */
interface Recorder {
  complete(t: TrackedRequest, aborted: boolean): void;
}

/** One request the middleware counts: everything its completion needs, read once. */
class TrackedRequest implements Tracked {
  constructor(
    readonly recorder: Recorder,
    readonly req: RequestLike,
    readonly res: ServerResponse,
    readonly method: string | undefined,
    readonly url: string | undefined,
    readonly pathname: string,
    /** `performance.now()` when the request started. */
    readonly at: number,
    /** The app the middleware runs in; by completion `req.app` may be a sub-app the request entered. */
    readonly root: AppLike | undefined,
    /** The request's sampled span, captured where it is active; null, never whatever span is active at completion. */
    readonly span: SpanContext | null,
  ) {}

  complete(aborted: boolean): void {
    this.recorder.complete(this, aborted);
  }
}

type RequestLike = IncomingMessage & { route?: RouteLike; app?: AppLike; method?: string; originalUrl?: string };

/** The URL path of a request URL (`originalUrl`: Express keeps it whole) without the query. */
function pathnameOf(target: string | undefined): string {
  const url = target ?? '/';
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  if (path.charCodeAt(0) !== 47) {
    // absolute-form request target (`GET http://host/path`): keep the path only.
    const scheme = path.indexOf('://');
    const slash = scheme === -1 ? -1 : path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  return path;
}

/**
 * Instrument an Express 4 or 5 app with the whole @obs contract: two lines give `/metrics`,
 * request counts and latency under route templates, in-flight requests, errors and `service_up`.
 * Options are validated now and throw a coded `ObsError`; nothing throws into your app afterwards.
 *
 * @example
 * import express from 'express';
 * import { createObsExpress } from '@obs/express';
 *
 * const app = express();
 * const o = createObsExpress({ service: 'checkout-api', ignore: ['/healthz'] });
 * app.use(o.middleware);                       // first
 * app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
 * app.use(o.errorHandler);                     // after the routes, before your error handler
 * const server = app.listen(3000);
 * process.once('SIGTERM', () => o.close(server));
 */
export function createObsExpress(options: ObsExpressOptions): ObsExpress {
  const { obs, metricsPath, endpoint, guard, ignoreExact, ignorePrefixes, logRequests, logQueryString, logger } = resolveOptions(options);
  const log = logRequests === false ? undefined : (logger ?? createLogger(obs));
  const logOptions = { keepQuery: logQueryString };
  const metricsHandler = createMetricsHandler(obs, endpoint);
  // The middleware answers on the application's own port: whoever reaches the app reads the metrics.
  if (metricsPath !== undefined) warnUnprotected(guard, obs.context.warner, `the ${metricsPath} path of @obs/express (on the application's port)`);
  subscribeHttpChannels();
  const templates = new RouteTemplates();
  const http = obs.http;
  const warner = obs.context.warner;
  const hasPrefixes = ignorePrefixes.length > 0;

  const warn = (where: string, err: unknown) => {
    warner.once('OBS_WARN_RECORD_FAILED', `express.${where}`, `@obs/express could not record a request (${where}): ${err instanceof Error ? err.message : String(err)}.`);
  };

  const recorder: Recorder = {
    complete(t, aborted) {
      try {
        if (skipped.has(t.res)) {
          http.cancel();
          return;
        }
        const seconds = (performance.now() - t.at) / 1000;
        let path: string;
        try {
          path = templates.resolve(t.root, t.req, t.req.route, t.pathname);
        } catch (err) {
          warn('route', err);
          path = UNMATCHED_PATH;
        }
        const status = t.res.statusCode;
        if (aborted) http.abort(t.method, path, seconds, t.span);
        else http.finish(t.method, path, status, seconds, t.span);
        if (log !== undefined) {
          logRequest(log, logRequests as 'info' | 'debug', { method: t.method, url: t.url, path, status, aborted, seconds, span: t.span }, logOptions);
        }
      } catch (err) {
        warn('close', err);
      }
    },
  };

  /**
   * A request node:http's start channel did not announce (HTTP/2 compatibility server, a test
   * double, or another request started before this one reached the middleware): recorded when its
   * response closes. Node emits `close` once per response, after `finish` when the response
   * completed and alone when the client went away first, so one listener counts it exactly once.
   */
  function trackWithListener(t: TrackedRequest): void {
    trackedByListener.add(t.res);
    // `on`, not `once`: `once` would wrap the listener and remove it again when it fires.
    addListener.call(t.res, 'close', () => t.complete(!t.res.writableFinished));
  }

  // Filled per request by startOf (`at` starts as a double, the representation it keeps).
  const start: StartInfo = { method: undefined, url: undefined, socket: {}, at: Number.NaN };

  const middleware: ObsRequestHandler = (req, res, next) => {
    try {
      // Announced by node:http just now: its method, URL and socket were read before Express swapped
      // the request's prototype (cheap), and nothing needs a listener of its own.
      const announced = startOf(req, start);
      const r = req as RequestLike;
      const url = announced ? start.url : (r.originalUrl ?? r.url);
      const pathname = pathnameOf(url);
      if (pathname === metricsPath) {
        metricsHandler(req, res);
        return;
      }
      // Mounted twice (app and router, or two apps): the first one counts.
      const socket = announced ? start.socket : r.socket;
      if (trackedByListener.has(res) || isTracked(socket, res) || ignoreExact.has(pathname) || (hasPrefixes && ignorePrefixes.some((p) => pathname.startsWith(p)))) {
        next();
        return;
      }
      // The app whose request prototype Express set: read on the prototype (one shape per app), not on the request.
      const root = ((Object.getPrototypeOf(req) as { app?: AppLike } | null)?.app ?? r.app) as AppLike | undefined;
      const t = new TrackedRequest(recorder, r, res, announced ? start.method : r.method, url, pathname, announced ? start.at : performance.now(), root, sampledSpanContext() ?? null);
      http.start();
      if (announced) trackOnConnection(start.socket, t);
      else trackWithListener(t);
    } catch (err) {
      warn('start', err);
    }
    next();
  };

  const skip: ObsRequestHandler = (_req, res, next) => {
    skipped.add(res);
    next();
  };

  const errorHandler: ObsErrorHandler = (err, req, _res, next) => {
    try {
      const r = req as IncomingMessage & { [ERROR_SEEN]?: unknown };
      // The same error passing a second errorHandler (a router's and the app's) counts once.
      if (r[ERROR_SEEN] !== err || err === undefined) {
        r[ERROR_SEEN] = err;
        obs.errors.record(err);
      }
    } catch (e) {
      warn('error', e);
    }
    next(err);
  };

  return {
    obs,
    middleware,
    skip,
    errorHandler,
    metricsHandler,
    async close(server, shutdownOptions) {
      const drained = await obs.shutdown(shutdownOptions);
      if (server !== undefined) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections?.();
        });
      }
      return drained;
    },
  };
}
