import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createLogger,
  createMetricsEndpoint,
  createMetricsHandler,
  createObs,
  logRequest,
  type Obs,
  ObsError,
  sampledSpanContext,
  startMetricsServer,
  UNMATCHED_PATH,
  warnUnprotected,
} from '@obs/metrics-standard';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { type ObsFastifyOptions, resolveOptions } from './options.js';

/** Per-request state lives on the raw response under these symbols: no object is built per request. */
const kStart = Symbol('obs.start');
const kPath = Symbol('obs.path');
const kError = Symbol('obs.error');
const kSpan = Symbol('obs.span');

interface TrackedResponse extends ServerResponse {
  /** performance.now() at onRequest; -1 once recorded or when the route is not counted. */
  [kStart]?: number;
  [kPath]?: string;
  /** The error Fastify's onError hook saw, counted at close if the response ended as a 5xx. */
  [kError]?: unknown;
  /**
   * The request's sampled span, captured in onRequest (where it is the active span): the `close`
   * event may run in another async context. Set only when there is one.
   */
  [kSpan]?: NonNullable<ReturnType<typeof sampledSpanContext>>;
}

/** The separate metrics listener started by the `metricsServer` option. */
export interface ObsMetricsServer {
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** The metrics URL. */
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The @obs instance recording this app's metrics (registered by `@obs/fastify`). */
    obs: Obs;
    /** The separate metrics server, when the `metricsServer` option is set; else `null`. */
    obsMetricsServer: ObsMetricsServer | null;
  }
  interface FastifyContextConfig {
    /** `false` leaves this route out of the HTTP metrics (health checks, probes). Default: counted. */
    obs?: boolean;
  }
}

/**
 * Whether Fastify writes its own per-request lines: its log controller (Fastify 5.12+, found by
 * its symbol's description, on the instance or a prototype) or, before it, `disableRequestLogging`.
 */
function fastifyLogsRequests(fastify: FastifyInstance): boolean {
  for (let o: object | null = fastify; o !== null; o = Object.getPrototypeOf(o)) {
    const key = Object.getOwnPropertySymbols(o).find((k) => k.description === 'fastify.logController');
    if (key === undefined) continue;
    const controller = (o as Record<symbol, { disableRequestLogging?: unknown; isLogDisabled?: (req: unknown) => boolean }>)[key];
    if (typeof controller?.isLogDisabled !== 'function' || typeof controller.disableRequestLogging === 'function') return false;
    // A subclass of Fastify's LogController (e.g. one that drops the request lines and keeps the
    // error lines) is the user's own choice of lines.
    let base: object | null = Object.getPrototypeOf(controller);
    while (base !== null && !Object.hasOwn(base, 'isLogDisabled')) base = Object.getPrototypeOf(base);
    if (base !== Object.getPrototypeOf(controller)) return false;
    try {
      return controller.isLogDisabled({ url: '/', raw: { url: '/', headers: {} }, headers: {} }) === false;
    } catch {
      return false; // a controller of the user's own: their call
    }
  }
  return fastify.initialConfig.disableRequestLogging === false;
}

function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

async function obsFastifyPlugin(fastify: FastifyInstance, options: ObsFastifyOptions): Promise<void> {
  const opts = resolveOptions(options);
  const obs = opts.obs ?? createObs(opts.obsOptions as NonNullable<typeof opts.obsOptions>);
  const { ignore } = opts;
  const hasIgnore = ignore.size > 0;
  const warner = obs.context.warner;
  const http = obs.http;
  const logLevel = opts.logRequests;
  if (logLevel !== false && opts.logger !== undefined && opts.logger === (fastify.log as unknown) && fastifyLogsRequests(fastify)) {
    // Fastify already writes its own lines for every request to app.log: ours would double them.
    throw new ObsError(
      'OBS_ERR_INVALID_OPTION',
      'logger',
      '<app.log>',
      'Fastify already logs every request to app.log, so each would be logged twice; turn Fastify\'s request lines off with its `logController` option (see "logRequests with app.log" in the @obs/fastify README; before Fastify 5.12: `disableRequestLogging: true`), or leave out logRequests',
    );
  }
  const log = logLevel === false ? undefined : (opts.logger ?? createLogger(obs));
  const logOptions = { keepQuery: opts.logQueryString };

  const fail = (where: string, err: unknown) => {
    warner.once('OBS_WARN_RECORD_FAILED', `@obs/fastify:${where}`, `@obs/fastify ${where} failed: ${err instanceof Error ? err.message : String(err)}.`);
  };

  // One listener function per app, bound to the response through `this`: the response's `close`
  // event comes once for every request, after `finish` when the response completed and alone when
  // the client went away first (Fastify runs neither onResponse nor onRequestAbort for an aborted
  // request whose body was already read).
  function onResponseClose(this: TrackedResponse): void {
    const error = this[kError];
    if (error !== undefined) {
      this[kError] = undefined;
      try {
        if (this.statusCode >= 500) obs.errors.record(error);
      } catch (err) {
        fail('onError', err);
      }
    }
    const start = this[kStart];
    if (start === undefined || start < 0) return;
    this[kStart] = -1;
    try {
      const seconds = (performance.now() - start) / 1000;
      const method = this.req?.method;
      const path = this[kPath] as string;
      // null, not undefined: never fall back to whatever span is active in the close event.
      const span = this[kSpan] ?? null;
      // `end()` was called: the response is complete (a client leaving during the final flush does
      // not make it an abort). `writableEnded` rather than `writableFinished`: light-my-request's
      // in-memory response (app.inject) never reports the latter.
      const ended = this.writableEnded;
      if (ended) http.finish(method, path, this.statusCode, seconds, span);
      else http.abort(method, path, seconds, span);
      if (log !== undefined) {
        logRequest(log, logLevel as 'info' | 'debug', { method, url: this.req?.url, path, status: this.statusCode, aborted: !ended, seconds, span }, logOptions);
      }
    } catch (err) {
      fail('onResponse', err);
    }
  }

  fastify.decorate('obs', obs);
  fastify.decorate('obsMetricsServer', null);

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    try {
      const route = request.routeOptions;
      const template = route.url;
      let path: string;
      if (template === undefined) {
        if (hasIgnore && ignore.has(pathOnly(request.url))) return done();
        path = UNMATCHED_PATH;
      } else {
        if (route.config.obs === false || (hasIgnore && ignore.has(template))) return done();
        path = template;
      }
      const res = reply.raw as TrackedResponse;
      // A keep-alive connection reuses nothing here: each request has its own ServerResponse.
      res[kPath] = path;
      res[kStart] = performance.now();
      const span = sampledSpanContext();
      if (span !== undefined) res[kSpan] = span;
      http.start();
      res.on('close', onResponseClose);
    } catch (err) {
      fail('onRequest', err);
    }
    done();
  });

  // onError runs before the error handler picks the status, so the error is kept on the response
  // and counted when it closes, if it ended as a 5xx: a client mistake (validation, not found,
  // unauthorized) is not a service error; it shows in http_requests_total{status}.
  // See docs/decisions/0010-fastify-hooks.md.
  fastify.addHook('onError', (_request: FastifyRequest, reply: FastifyReply, error: FastifyError, done: HookHandlerDoneFunction) => {
    try {
      const res = reply.raw as TrackedResponse;
      if (res[kError] === undefined && res[kStart] === undefined) {
        // A route that is not counted: listen for the close only to count the error.
        res[kStart] = -1;
        res.on('close', onResponseClose);
      }
      res[kError] = error;
    } catch (err) {
      fail('onError', err);
    }
    done();
  });

  if (opts.metrics !== false) {
    const { path, ...endpointOptions } = opts.metrics;
    const { guard, limiter } = createMetricsEndpoint(obs, endpointOptions);
    // The route is on the application's own port: whoever reaches the app reads the metrics.
    warnUnprotected(guard, warner, `the ${path} route of @obs/fastify (on the application's port)`);
    fastify.route({
      method: 'GET',
      url: path,
      config: { obs: false },
      logLevel: 'warn',
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const verdict = guard.check(request.raw);
        if (!verdict.ok) {
          reply.code(verdict.status).headers(verdict.headers).type('text/plain; charset=utf-8');
          return verdict.reason;
        }
        const release = limiter.admit();
        if (release === undefined) {
          reply.code(503).header('retry-after', '1').type('text/plain; charset=utf-8');
          return 'too many concurrent scrapes';
        }
        reply.raw.once('close', release);
        try {
          const { contentType, body } = await limiter.render(request.headers.accept);
          reply.type(contentType);
          return body;
        } catch (err) {
          // Like the core's handler: one coded warning with the cause, no error text to the client.
          warner.once('OBS_WARN_COLLECT_FAILED', 'scrape', `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}.`);
          reply.code(500).type('text/plain; charset=utf-8');
          return 'metrics collection failed\n';
        }
      },
    });
  }

  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (opts.metricsServer !== undefined) {
    metricsServer = await startMetricsServer(obs, opts.metricsServer);
    fastify.obsMetricsServer = { port: metricsServer.port, url: metricsServer.url };
  }

  let shutdown: Promise<boolean> | undefined;
  // preClose runs before Fastify stops the listener: service_up is 0 while in-flight requests drain.
  // Fastify already answers every request with 503 once closing began, so during the
  // `shutdownDelayMs` window the metrics route is answered in front of Fastify, on the raw server.
  fastify.addHook('preClose', (done: HookHandlerDoneFunction) => {
    shutdown = obs.shutdown({ timeoutMs: opts.shutdownTimeoutMs });
    const server = fastify.server;
    if (opts.shutdownDelayMs === 0 || opts.metrics === false || !server.listening) return done();
    const { path, ...protection } = opts.metrics;
    const metricsListener = createMetricsHandler(obs, protection);
    const fastifyListeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (pathOnly(req.url ?? '') === path) return metricsListener(req, res);
      for (const listener of fastifyListeners) listener.call(server, req, res);
    });
    setTimeout(done, opts.shutdownDelayMs);
  });
  // onClose runs after the listener closed: wait for the drain, then close the metrics listener.
  fastify.addHook('onClose', async () => {
    await (shutdown ?? obs.shutdown({ timeoutMs: opts.shutdownTimeoutMs }));
    if (metricsServer !== undefined) await metricsServer.close();
  });
}

/**
 * The @obs Fastify 5 plugin: the whole metrics contract for every route (path = the route
 * template with the prefixes of encapsulating plugins; unmatched requests under one constant),
 * `/metrics` on the app (or a separate port), `fastify.obs`, and `service_up` 0 when the app closes.
 * Opt a route out with `config: { obs: false }`.
 *
 * @example
 * import Fastify from 'fastify';
 * import obsFastify from '@obs/fastify';
 *
 * const app = Fastify();
 * await app.register(obsFastify, { service: 'checkout-api' });
 * app.get('/users/:id', async (req) => ({ id: req.params.id }));
 * app.get('/healthz', { config: { obs: false } }, async () => 'ok');
 */
export const obsFastify = fp(obsFastifyPlugin, { name: '@obs/fastify', fastify: '5.x' });
