import type { EventEmitter } from 'node:events';

// Node built-ins through process.getBuiltinModule, as in the core (src/lazy.ts there): from ESM an
// `import … from 'node:…'` builds a module wrapper of all the built-in's exports at start-up.
const diagnosticsChannel = process.getBuiltinModule('node:diagnostics_channel');
const { EventEmitter: Emitter } = process.getBuiltinModule('node:events');

/**
 * Request start and response end from node:http's own diagnostics channels, shared by every
 * `createObsExpress` in the process (decision 0083).
 *
 * Why: Express swaps the prototypes of `req` and `res` on every request, so each property read on
 * them in library code misses V8's inline caches (about 2 000 instructions a read), and adding a
 * `close` listener to every response costs about 5 000 more. node:http publishes
 * `http.server.request.start` before Express sees the request (its objects still have their
 * plain, stable shapes: reads there are cheap) and `http.server.response.finish` when a response
 * has been flushed, with no listener per request. A client that goes away has no channel: one
 * `close` listener per connection finds the requests still open on it.
 *
 * A request that did not come through node:http's server (an HTTP/2 compatibility server, a test
 * double) or whose start was not the latest one when the middleware ran is tracked the old way, with
 * a `close` listener on its response (create.ts).
 */

/** One tracked request: what its completion needs. */
export interface Tracked {
  readonly res: object;
  /** Records the request: `aborted` when its connection closed before the response finished. */
  complete(aborted: boolean): void;
}

/**
 * The requests a connection is serving that the middleware tracks: `first`, and under HTTP/1.1
 * pipelining the ones queued behind it in `more`. A slot, not an array that empties and refills:
 * regrowing an emptied array's backing store on every request cost about 17 000 instructions.
 */
interface Connection {
  first: Tracked | undefined;
  more: Tracked[] | undefined;
}

/**
 * EventEmitter's `on`, called directly: on a socket or a response, `x.on` would be one more
 * property lookup per call (neither overrides it).
 */
export const addListener = Emitter.prototype.on;

const connections = new WeakMap<object, Connection>();

/** The request node:http started last, and what was read from it then. */
let lastRequest: object | undefined;
let lastMethod: string | undefined;
let lastUrl: string | undefined;
let lastSocket: object | undefined;
let lastAt = Number.NaN;

interface ServerMessage {
  readonly request: { readonly method?: string; readonly url?: string };
  readonly response: object;
  readonly socket: object;
}

function onRequestStart(message: unknown): void {
  const m = message as ServerMessage;
  const req = m.request;
  lastRequest = req;
  lastMethod = req.method;
  lastUrl = req.url;
  lastSocket = m.socket;
  lastAt = performance.now();
}

function onResponseFinish(message: unknown): void {
  const m = message as ServerMessage;
  if (m.request === lastRequest) lastRequest = lastSocket = undefined;
  const conn = connections.get(m.socket);
  if (conn === undefined) return;
  const t = take(conn, m.response);
  if (t !== undefined) t.complete(false);
}

/** Removes and returns the request of `conn` whose response is `res`. */
function take(conn: Connection, res: object): Tracked | undefined {
  const first = conn.first;
  if (first === undefined) return undefined;
  const more = conn.more;
  if (first.res === res) {
    conn.first = more === undefined || more.length === 0 ? undefined : more.shift();
    return first;
  }
  if (more !== undefined) {
    for (let i = 0; i < more.length; i++) {
      const t = more[i] as Tracked;
      if (t.res === res) {
        more.splice(i, 1);
        return t;
      }
    }
  }
  return undefined;
}

let subscribed = false;

/** Subscribes to node:http's server channels once per process (idempotent). */
export function subscribeHttpChannels(): void {
  if (subscribed) return;
  subscribed = true;
  diagnosticsChannel.subscribe('http.server.request.start', onRequestStart);
  diagnosticsChannel.subscribe('http.server.response.finish', onResponseFinish);
}

/** What node:http's start channel said about `req`, when `req` is the request it started last. */
export interface StartInfo {
  method: string | undefined;
  url: string | undefined;
  socket: object;
  at: number;
}

/**
 * Fills `into` and returns true when `req` is the request node:http started last (nothing else
 * started since, so the values read then are this request's); false otherwise.
 */
export function startOf(req: object, into: StartInfo): boolean {
  if (req !== lastRequest || lastSocket === undefined) return false;
  into.method = lastMethod;
  into.url = lastUrl;
  into.socket = lastSocket;
  into.at = lastAt;
  return true;
}

function connectionOf(socket: object): Connection {
  let conn = connections.get(socket);
  if (conn === undefined) {
    const c: Connection = { first: undefined, more: undefined };
    conn = c;
    connections.set(socket, c);
    addListener.call(socket as EventEmitter, 'close', () => {
      // The connection is gone: every request still open on it ends here, without a response.
      const open = [c.first, ...(c.more ?? [])];
      c.first = undefined;
      c.more = undefined;
      for (const t of open) t?.complete(true);
    });
  }
  return conn;
}

/** True when a request on this connection already tracks `res` (the middleware mounted twice). */
export function isTracked(socket: object | undefined, res: object): boolean {
  if (socket === undefined) return false;
  const conn = connections.get(socket);
  if (conn === undefined || conn.first === undefined) return false;
  if (conn.first.res === res) return true;
  return conn.more?.some((t) => t.res === res) ?? false;
}

/**
 * Completes `t` when node:http finishes its response, or when its connection closes first. A
 * connection already destroyed (the client left while an asynchronous middleware before this one
 * ran) completes it at once, as aborted: no response can reach that client, and its `close` event
 * may have been emitted already.
 */
export function trackOnConnection(socket: object, t: Tracked): void {
  if ((socket as { destroyed?: boolean }).destroyed === true) {
    t.complete(true);
    return;
  }
  const conn = connectionOf(socket);
  if (conn.first === undefined) conn.first = t;
  else if (conn.more === undefined) conn.more = [t];
  else conn.more.push(t);
}
