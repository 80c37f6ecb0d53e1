import { UNMATCHED_PATH } from '@obs/metrics-standard';

// Reads Express's own routing tables (never patches them) to turn `req.route` into the full route
// template: the mount path of every router on the way down + the route's path. Works on Express 4
// (express/lib/router) and Express 5 (the `router` package 2.x). See
// docs/decisions/0020-express-route-templates.md for why and how.

/** A path-to-regexp 8 matcher of router 2.x. */
type Matcher = (path: string) => false | { path: string; params: Record<string, unknown> };

/** The fields of a router layer this module reads, in either Express version. */
export interface LayerLike {
  handle?: unknown;
  route?: RouteLike | undefined;
  /** Express 4: the compiled path, plus the path-to-regexp 0.1 fast-path flags. */
  regexp?: RegExp & { fast_slash?: boolean; fast_star?: boolean };
  /** Express 4: the parameter names, in capture-group order. */
  keys?: ReadonlyArray<{ name: string | number; optional?: boolean }>;
  /** router 2.x: one matcher per registered path. */
  matchers?: readonly Matcher[];
  /** router >= 2.3: the path as registered (string, RegExp or an array of them). */
  rawPath?: unknown;
  /** router 2.x: mounted at '/' (matches everything). */
  slash?: boolean;
}

/** The fields of an Express `Route` this module reads. */
export interface RouteLike {
  path?: unknown;
}

interface RouterLike {
  stack: readonly LayerLike[];
}

/** Everything a request's app exposes that this module reads. */
export interface AppLike {
  _router?: unknown;
  router?: unknown;
  parent?: unknown;
  mountpath?: unknown;
}

/** A chain of layers from an app's router down to a route: mount layers, then the route's layer. */
type Chain = readonly LayerLike[];

/** What is cached per Route object: a fixed template, or the chains to match per request. */
type Resolution = { fixed: string } | { chains: readonly Chain[] };

const MAX_DEPTH = 32;
const MAX_CHAINS = 8;

function isRouter(value: unknown): value is RouterLike {
  return typeof value === 'function' && Array.isArray((value as { stack?: unknown }).stack);
}

/** The root router of an app: `app._router` on Express 4, `app.router` on Express 5. */
export function rootRouter(app: AppLike | undefined): RouterLike | undefined {
  if (app === undefined || app === null) return undefined;
  // Express 4's `app.router` getter throws; read `_router` first.
  const r4 = app._router;
  if (r4 !== undefined) return isRouterObject(r4) ? r4 : undefined;
  try {
    const r5 = app.router;
    return isRouterObject(r5) ? r5 : undefined;
  } catch {
    return undefined;
  }
}

function isRouterObject(value: unknown): value is RouterLike {
  return (typeof value === 'function' || (typeof value === 'object' && value !== null)) && Array.isArray((value as { stack?: unknown }).stack);
}

/** Every chain of layers from `router` to the layer whose `.route` is `target` (identity search). */
function findChains(router: RouterLike, target: RouteLike): Chain[] {
  const chains: Chain[] = [];
  const path: LayerLike[] = [];
  const active = new Set<RouterLike>();
  const visit = (r: RouterLike, depth: number): void => {
    if (depth > MAX_DEPTH || active.has(r) || chains.length >= MAX_CHAINS) return;
    active.add(r);
    for (const layer of r.stack) {
      if (layer.route !== undefined) {
        if (layer.route === target) chains.push([...path, layer]);
      } else if (isRouter(layer.handle)) {
        path.push(layer);
        visit(layer.handle, depth + 1);
        path.pop();
      }
      if (chains.length >= MAX_CHAINS) break;
    }
    active.delete(r);
  };
  visit(router, 0);
  return chains;
}

/** `/v1/` → `/v1`, `/` → `` (a mount at the root adds nothing). */
function trimSlashes(template: string): string {
  let end = template.length;
  while (end > 0 && template.charCodeAt(end - 1) === 47) end--;
  return end === template.length ? template : template.slice(0, end);
}

function join(prefix: string, routePath: string): string {
  if (prefix === '') return routePath === '' ? '/' : routePath;
  if (routePath === '/' || routePath === '') return prefix;
  return prefix + (routePath.charCodeAt(0) === 47 ? routePath : `/${routePath}`);
}

function templateOf(registered: unknown): string | undefined {
  if (typeof registered === 'string') return registered;
  if (registered instanceof RegExp) return String(registered);
  return undefined;
}

// Express 4 (path-to-regexp 0.1) compiles a static mount '/api' to /^\/api\/?(?=\/|$)/i (older
// versions escape '/', 0.1.12+ do not). Recover the literal so case variants of the URL share one
// template.
const STATIC_MOUNT_V4 = /^\^((?:\\?\/(?:[A-Za-z0-9_~!$&'=@,;:?-]|\\\.)+)+)\\?\/\?\(\?=\\?\/\|\$\)$/;

/** A template that does not depend on the URL, or undefined when it has to be derived per request. */
function staticTemplate(layer: LayerLike, isRoute: boolean): string | undefined {
  if (isRoute) {
    const p = layer.route?.path;
    return typeof p === 'string' ? p : p instanceof RegExp ? String(p) : undefined;
  }
  if (layer.slash === true || layer.regexp?.fast_slash === true) return '';
  if (typeof layer.rawPath === 'string') return trimSlashes(layer.rawPath);
  if (layer.rawPath instanceof RegExp) return trimSlashes(String(layer.rawPath));
  if (layer.regexp !== undefined) return decompileV4(layer.regexp.source, layer.keys ?? []);
  return undefined;
}

// path-to-regexp 0.1 turns `/:name` into `(?:/([^/]+?))` (older versions escape the slashes) and
// `/:name?` into the same followed by `?`.
const PARAM_V4 = /\(\?:(\\?\/)?\(\[\^\\?\/\]\+\?\)\)(\?)?/g;

/**
 * Express 4: the mount path a layer was registered with, read back from its compiled regexp when
 * it uses only literal segments and plain `:params`; undefined for anything else (custom
 * parameter patterns, `*`, arrays, RegExp mounts), which is then derived per request.
 */
function decompileV4(source: string, keys: ReadonlyArray<{ name: string | number }>): string | undefined {
  let k = 0;
  let failed = false;
  const replaced = source.replace(PARAM_V4, (_m, slash: string | undefined, optional: string | undefined) => {
    const key = keys[k++];
    if (key === undefined || typeof key.name === 'number') failed = true;
    return `${slash ? '/' : ''}:${String(key?.name)}${optional ?? ''}`;
  });
  if (failed || k !== keys.length) return undefined;
  const m = STATIC_MOUNT_V4.exec(replaced);
  return m?.[1] === undefined ? undefined : trimSlashes(m[1].replace(/\\(.)/g, '$1'));
}

const withIndices = new WeakMap<RegExp, RegExp>();
const literalSources = new WeakMap<RegExp, { text: string; lower: string }>();

/** A regexp's source with its escapes undone (`\/` → `/`): where the literal parts of a registration are. */
function literalSource(re: RegExp): { text: string; lower: string } {
  let l = literalSources.get(re);
  if (l === undefined) {
    const text = re.source.replace(/\\(.)/g, '$1');
    l = { text, lower: text.toLowerCase() };
    literalSources.set(re, l);
  }
  return l;
}

/**
 * Text of the URL that a layer matched outside its parameters, spelled as in the registration:
 * each `/`-separated piece must occur in the layer's pattern (case-insensitively for a
 * case-insensitive one; the pattern's spelling is kept), else undefined. So `/API/` under a
 * registered `/api` gives `/api`, and `/v123` under a RegExp mount `/^\/v\d+/` gives undefined:
 * only text written in the registration can reach a label.
 */
function registeredLiteral(chunk: string, re: RegExp): string | undefined {
  if (chunk === '') return chunk;
  const source = literalSource(re);
  const insensitive = re.flags.includes('i');
  const pieces = chunk.split('/');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    if (piece === '') continue;
    const at = insensitive ? source.lower.indexOf(piece.toLowerCase()) : source.text.indexOf(piece);
    if (at === -1) return undefined;
    pieces[i] = source.text.slice(at, at + piece.length);
  }
  return pieces.join('/');
}

/**
 * Express 4: the matched prefix with every captured parameter replaced by `:name` (`*` for unnamed
 * groups) and the text between them spelled as registered. A layer whose matched text is not in its
 * pattern (a RegExp mount such as `/^\/v\d+/`) is labelled with the pattern itself, never with the URL.
 */
function matchV4(layer: LayerLike, rest: string): { consumed: number; template: string } | undefined {
  const source = layer.regexp;
  if (source === undefined) return undefined;
  if (source.fast_star === true) return { consumed: rest.length, template: '*' };
  let re = withIndices.get(source);
  if (re === undefined) {
    re = new RegExp(source.source, `${source.flags.replace(/[gyd]/g, '')}d`);
    withIndices.set(source, re);
  }
  const m = re.exec(rest) as (RegExpExecArray & { indices?: Array<[number, number] | undefined> }) | null;
  if (m === null) return undefined;
  const matched = m[0];
  let out = '';
  let at = 0;
  const keys = layer.keys ?? [];
  for (let g = 1; g < m.length; g++) {
    const span = m.indices?.[g];
    if (span === undefined || span[0] < at) continue;
    const key = keys[g - 1];
    const literal = registeredLiteral(matched.slice(at, span[0]), source);
    if (literal === undefined) return { consumed: matched.length, template: String(source) };
    out += literal + (key === undefined || typeof key.name === 'number' ? '*' : `:${key.name}`);
    at = span[1];
  }
  const tail = registeredLiteral(matched.slice(at), source);
  if (tail === undefined) return { consumed: matched.length, template: String(source) };
  out += tail;
  return { consumed: matched.length, template: out };
}

function safeDecode(segment: string): string {
  if (segment.indexOf('%') === -1) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * router 2.0–2.2 (no `rawPath`): the matched path with parameter values put back as `:name`
 * (`*name` for splats), in parameter order: a whole segment, else the first occurrence inside a
 * segment (`/v:version`). The text left is the registration's literal text (path-to-regexp 8
 * patterns hold nothing else) up to case, so it is lower-cased. Undefined when a parameter value
 * cannot be placed: the caller then falls back to the route's own path, never to the URL.
 */
function substitute(matched: string, params: Record<string, unknown>): string | undefined {
  const segments = matched.split('/');
  const placed = new Set<number>();
  let cursor = 1;
  for (const [name, value] of Object.entries(params)) {
    let done = false;
    if (typeof value === 'string') {
      for (let i = cursor; i < segments.length && !done; i++) {
        if (safeDecode(segments[i] as string) === value) {
          segments[i] = `:${name}`;
          placed.add(i);
          cursor = i + 1;
          done = true;
        }
      }
      for (let i = cursor; i < segments.length && !done; i++) {
        if (placed.has(i)) continue;
        const segment = safeDecode(segments[i] as string);
        const at = value === '' ? -1 : segment.indexOf(value);
        if (at !== -1) {
          segments[i] = `${segment.slice(0, at).toLowerCase()}:${name}${segment.slice(at + value.length).toLowerCase()}`;
          placed.add(i);
          cursor = i + 1;
          done = true;
        }
      }
    } else if (Array.isArray(value) && value.length > 0) {
      for (let i = cursor; i + value.length <= segments.length && !done; i++) {
        if (value.every((v, j) => safeDecode(segments[i + j] as string) === v)) {
          segments.splice(i, value.length, `*${name}`);
          placed.add(i);
          cursor = i + 1;
          done = true;
        }
      }
    } else {
      continue;
    }
    if (!done) return undefined;
  }
  return segments.map((seg, i) => (placed.has(i) ? seg : seg.toLowerCase())).join('/');
}

/** Match one layer against the path it sees; returns how much it consumed and its template. */
function matchLayer(layer: LayerLike, rest: string, isRoute: boolean): { consumed: number; template: string } | undefined {
  if (!isRoute && (layer.slash === true || layer.regexp?.fast_slash === true)) return { consumed: 0, template: '' };
  const matchers = layer.matchers;
  if (matchers !== undefined) {
    for (let i = 0; i < matchers.length; i++) {
      const m = (matchers[i] as Matcher)(rest);
      if (m === false || m === undefined || m === null) continue;
      const registered = Array.isArray(layer.rawPath) ? layer.rawPath[i] : layer.rawPath;
      const routePath = isRoute ? layer.route?.path : undefined;
      const fromRoute = Array.isArray(routePath) ? (routePath[i] as unknown) : undefined;
      let template = templateOf(registered) ?? templateOf(fromRoute);
      if (template === undefined) {
        // router 2.0–2.2: a RegExp registration leaves no readable pattern behind; its matched text
        // is arbitrary URL text, so the layer has no template.
        if ((matchers[i] as { name?: string }).name === 'regexpMatcher') return undefined;
        template = substitute(m.path, m.params);
        if (template === undefined) return undefined;
      }
      return { consumed: m.path.length, template };
    }
    return undefined;
  }
  return matchV4(layer, rest);
}

/** The template of one chain for this path, or undefined when the chain does not match it. */
function resolveChain(chain: Chain, path: string): string | undefined {
  let rest = path;
  let prefix = '';
  const last = chain.length - 1;
  for (let i = 0; i < last; i++) {
    const layer = chain[i] as LayerLike;
    const fixed = staticTemplate(layer, false);
    const m = matchLayer(layer, rest, false);
    if (m === undefined) return undefined;
    prefix += fixed ?? trimSlashes(m.template);
    rest = rest.slice(m.consumed);
    if (rest === '' || rest.charCodeAt(0) !== 47) rest = `/${rest}`;
  }
  const routeLayer = chain[last] as LayerLike;
  const fixed = staticTemplate(routeLayer, true);
  if (fixed !== undefined) return join(prefix, fixed);
  const m = matchLayer(routeLayer, rest, true);
  return m === undefined ? undefined : join(prefix, m.template);
}

/** The template prefix of a sub-app: the `mountpath` of every app up to `root` (templates, as registered). */
function mountPrefix(app: AppLike, root: AppLike): string | undefined {
  let prefix = '';
  let current: AppLike | undefined = app;
  for (let depth = 0; current !== undefined && current !== root; depth++) {
    if (depth > MAX_DEPTH) return undefined;
    const mp = current.mountpath;
    const one = Array.isArray(mp) ? mp[0] : mp;
    if (typeof one !== 'string') return undefined;
    prefix = trimSlashes(one) + prefix;
    current = current.parent as AppLike | undefined;
  }
  return current === root ? prefix : undefined;
}

/**
 * Resolves route templates with bounded memory: one cache entry per Express `Route` object (a
 * WeakMap keyed by the route, so entries live exactly as long as the app's routes); nothing is
 * keyed by URL.
 */
export class RouteTemplates {
  private readonly byRoute = new WeakMap<object, Resolution>();
  private readonly byRouteInSubApp = new WeakMap<object, { app: AppLike; prefix: string; resolution: Resolution }>();

  /**
   * The template of a finished request: `UNMATCHED_PATH` when it matched no route; the full
   * template otherwise; the route's own path when its mount chain cannot be found (e.g. a router
   * mounted in a way the tables do not show). `request`: the request, whose `app` is read only
   * when the route is not found under `root` (a route in a sub-app).
   */
  resolve(root: AppLike | undefined, request: { readonly app?: unknown }, route: RouteLike | undefined, pathname: string): string {
    if (route === undefined || route === null || typeof route !== 'object') return UNMATCHED_PATH;
    let resolution = this.byRoute.get(route);
    if (resolution === undefined) {
      resolution = this.build(rootRouter(root), route);
      this.byRoute.set(route, resolution);
    }
    if ('fixed' in resolution) return resolution.fixed;
    for (const chain of resolution.chains) {
      const t = resolveChain(chain, pathname);
      if (t !== undefined) return t;
    }
    if (resolution.chains.length === 0 && root !== undefined) {
      // `request.app` (the sub-app the request is in by now) is read only here: a property read on
      // an Express request is one of the costlier steps of a request (bench/notes.md).
      const current = request.app as AppLike | undefined;
      if (current !== undefined && current !== root) {
        const t = this.resolveInSubApp(root, current, route, pathname);
        if (t !== undefined) return t;
      }
    }
    return templateOf(route.path) ?? UNMATCHED_PATH;
  }

  private build(router: RouterLike | undefined, route: RouteLike): Resolution {
    const chains = router === undefined ? [] : findChains(router, route);
    if (chains.length === 1) {
      const chain = chains[0] as Chain;
      const last = chain.length - 1;
      let prefix = '';
      let allStatic = true;
      for (let i = 0; i < last && allStatic; i++) {
        const t = staticTemplate(chain[i] as LayerLike, false);
        if (t === undefined) allStatic = false;
        else prefix += t;
      }
      const own = staticTemplate(chain[last] as LayerLike, true);
      if (allStatic && own !== undefined) return { fixed: join(prefix, own) };
    }
    return { chains };
  }

  /** A route inside a sub-app (`app.use('/admin', adminApp)`): the sub-app's mount path + its own chain. */
  private resolveInSubApp(root: AppLike, app: AppLike, route: RouteLike, pathname: string): string | undefined {
    let entry = this.byRouteInSubApp.get(route);
    if (entry === undefined || entry.app !== app) {
      const prefix = mountPrefix(app, root);
      if (prefix === undefined) return undefined;
      entry = { app, prefix, resolution: this.build(rootRouter(app), route) };
      this.byRouteInSubApp.set(route, entry);
    }
    const { prefix, resolution } = entry;
    if ('fixed' in resolution) return join(prefix, resolution.fixed);
    // The sub-app's router saw the path without the mount prefix: drop as many segments as the prefix has.
    const depth = prefix === '' ? 0 : prefix.split('/').length - 1;
    let cut = 0;
    for (let i = 0; i < depth; i++) {
      const next = pathname.indexOf('/', cut + 1);
      cut = next === -1 ? pathname.length : next;
    }
    const rest = pathname.slice(cut) || '/';
    for (const chain of resolution.chains) {
      const t = resolveChain(chain, rest);
      if (t !== undefined) return join(prefix, t);
    }
    return undefined;
  }
}
