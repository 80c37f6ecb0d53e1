import type { BlockList } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { ObsError } from '../errors.js';
import { optionalBoolean, optionalInteger, rejectUnknownKeys } from '../validate.js';
import type { Warner } from '../warnings.js';

// Built-ins through process.getBuiltinModule, not `import`: see src/lazy.ts.
const { createHash, timingSafeEqual } = process.getBuiltinModule('node:crypto');
const { BlockList: BlockListClass, isIP } = process.getBuiltinModule('node:net');

/**
 * Who may read `/metrics`. Both checks apply when both are set: the peer must be allowed (else
 * 403), then it must present the token (else 401). Nothing set means open, as Prometheus expects,
 * with one `OBS_WARN_METRICS_UNPROTECTED` warning when that endpoint is reachable from other hosts
 * (`open: true` says it is on purpose). See docs/decisions/0004-no-accidental-open-metrics.md.
 */
export interface ProtectionOptions {
  /**
   * Bearer token the scraper sends as `Authorization: Bearer <token>` (Prometheus
   * `authorization.credentials`). At least 16 characters. Present but `undefined` or empty (the
   * usual `process.env.METRICS_TOKEN` with the variable unset) is a start-up error
   * (`OBS_ERR_MISSING_TOKEN`), never "open". Default: none (no token needed).
   */
  token?: string;
  /**
   * `true`: serve the metrics without token and allowlist on purpose (e.g. a network policy lets only
   * Prometheus reach the port), which silences the `OBS_WARN_METRICS_UNPROTECTED` warning. Cannot be
   * combined with `token` or `allow`. Default: false.
   */
  open?: boolean;
  /** IPv4/IPv6 addresses and CIDRs allowed to scrape, e.g. `['10.0.0.0/8', '::1']`. Default: none (every peer allowed). */
  allow?: readonly string[];
  /**
   * How many reverse proxies in front of this server to trust: the client address is taken that
   * many hops from the right of `X-Forwarded-For` (Express's numeric `trust proxy`). `0` ignores
   * the header. Default: 0.
   */
  trustProxyHops?: number;
}

/** The option names of {@link ProtectionOptions}, for validators that accept them among others. */
export const PROTECTION_OPTION_KEYS = ['token', 'allow', 'trustProxyHops', 'open'] as const;

/** The part of an incoming request a scrape guard reads (node:http, Express and Fastify's raw request fit). */
export interface ScrapeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly socket?: { readonly remoteAddress?: string | undefined } | null;
}

/** The verdict of {@link ScrapeGuard.check}. */
export type ScrapeCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** 401: missing or wrong token; 403: the peer is not on the allowlist. */
      readonly status: 401 | 403;
      /** A short reason, safe to send as the response body. */
      readonly reason: string;
      /** Headers to send with the refusal (`WWW-Authenticate: Bearer` on 401). */
      readonly headers: Readonly<Record<string, string>>;
    };

/** Decides whether one request may read the metrics. */
export interface ScrapeGuard {
  /** True when neither a token nor an allowlist is configured. */
  readonly open: boolean;
  /** True when the endpoint is open without `open: true`: serving it beyond loopback earns one `OBS_WARN_METRICS_UNPROTECTED`. */
  readonly unprotected: boolean;
  /** Check one request; never throws. */
  check(req: ScrapeRequest): ScrapeCheck;
}

const OK: ScrapeCheck = { ok: true };
const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MIN_TOKEN_LENGTH = 16;

/** `::ffff:10.1.2.3` → `10.1.2.3`; strips an IPv6 zone (`fe80::1%eth0`); lower-cases. */
export function normalizeAddress(address: string): string {
  let a = address.trim().toLowerCase();
  const zone = a.indexOf('%');
  if (zone !== -1) a = a.slice(0, zone);
  const mapped = V4_MAPPED.exec(a);
  return mapped?.[1] !== undefined && isIP(mapped[1]) === 4 ? mapped[1] : a;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

function buildAllowlist(allow: unknown): BlockList | undefined {
  if (allow === undefined) return undefined;
  if (!Array.isArray(allow)) throw new ObsError('OBS_ERR_INVALID_CIDR', 'allow', allow, 'expected an array of addresses or CIDRs');
  if (allow.length === 0) throw new ObsError('OBS_ERR_INVALID_CIDR', 'allow', allow, 'an empty allowlist admits nobody; omit the option to allow every peer');
  const list = new BlockListClass();
  allow.forEach((entry: unknown, i) => {
    const option = `allow[${i}]`;
    if (typeof entry !== 'string') throw new ObsError('OBS_ERR_INVALID_CIDR', option, entry, 'expected a string');
    const slash = entry.indexOf('/');
    const address = normalizeAddress(slash === -1 ? entry : entry.slice(0, slash));
    const type = family(address);
    if (type === undefined) throw new ObsError('OBS_ERR_INVALID_CIDR', option, entry, 'not an IP address');
    if (slash === -1) {
      list.addAddress(address, type);
      return;
    }
    const prefixText = entry.slice(slash + 1);
    // A v4-mapped CIDR (::ffff:10.0.0.0/104) is the IPv4 CIDR 96 bits shorter.
    const mappedShift = type === 'ipv4' && isIP(entry.slice(0, slash).trim()) === 6 ? 96 : 0;
    const prefix = Number(prefixText) - mappedShift;
    const max = type === 'ipv4' ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefixText) || prefix < 0 || prefix > max) {
      throw new ObsError('OBS_ERR_INVALID_CIDR', option, entry, `the prefix length must be 0-${max + mappedShift}`);
    }
    list.addSubnet(address, prefix, type);
  });
  return list;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The client address: the socket peer, or `hops` entries from the right of X-Forwarded-For (Express semantics). */
function clientAddress(req: ScrapeRequest, hops: number): string | undefined {
  const peer = req.socket?.remoteAddress;
  if (hops === 0 || peer === undefined) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // The chain nearest first: the socket peer, then X-Forwarded-For right to left.
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(hops, chain.length - 1)];
}

/**
 * Build the access check of a metrics endpoint, validating the options at start-up (coded
 * `OBS_ERR_INVALID_TOKEN`, `OBS_ERR_INVALID_CIDR`, `OBS_ERR_INVALID_OPTION`). The token is compared
 * in constant time (SHA-256 digests through `crypto.timingSafeEqual`); addresses are matched with
 * `net.BlockList`, IPv4-mapped IPv6 peers as IPv4.
 *
 * @example
 * const guard = createScrapeGuard({ token: process.env.METRICS_TOKEN, allow: ['10.0.0.0/8', 'fd00::/8'] });
 * const verdict = guard.check(req);
 * if (!verdict.ok) { res.writeHead(verdict.status, verdict.headers); res.end(verdict.reason); }
 */
export function createScrapeGuard(options: ProtectionOptions = {}): ScrapeGuard {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'protection', options, 'expected an object');
  }
  rejectUnknownKeys('', options, PROTECTION_OPTION_KEYS);
  const { token } = options;
  if (Object.hasOwn(options, 'token') && (token === undefined || token === null || token === '')) {
    // `token: process.env.METRICS_TOKEN` with the variable unset must not mean "open".
    throw new ObsError('OBS_ERR_MISSING_TOKEN', 'token', token, 'the option is present but empty; is the environment variable that should hold it set?');
  }
  if (token !== undefined) {
    if (typeof token !== 'string') throw new ObsError('OBS_ERR_INVALID_TOKEN', 'token', token, 'expected a string');
    // Never echo the token itself into an error message or a log (describeReceived hides it).
    if (token.length < MIN_TOKEN_LENGTH) throw new ObsError('OBS_ERR_INVALID_TOKEN', 'token', token, `shorter than ${MIN_TOKEN_LENGTH} characters`);
    if (!/^[!-~]+$/.test(token)) throw new ObsError('OBS_ERR_INVALID_TOKEN', 'token', token, 'use printable ASCII without spaces, which an HTTP header carries unchanged');
  }
  const acknowledgedOpen = optionalBoolean('open', options.open, false);
  if (acknowledgedOpen && (token !== undefined || options.allow !== undefined)) {
    throw new ObsError('OBS_ERR_INVALID_OPTION', 'open', true, '`open: true` serves the metrics to everyone; remove it, or remove `token` and `allow`');
  }
  const allowlist = buildAllowlist(options.allow);
  const hops = optionalInteger('trustProxyHops', options.trustProxyHops, 0, 0, 100);
  const expected = token === undefined ? undefined : digest(token);

  const unauthorized = (reason: string): ScrapeCheck => ({
    ok: false,
    status: 401,
    reason,
    headers: { 'www-authenticate': 'Bearer realm="metrics"' },
  });
  const forbidden: ScrapeCheck = { ok: false, status: 403, reason: 'forbidden: this address may not read metrics', headers: {} };

  const open = expected === undefined && allowlist === undefined;
  return {
    open,
    unprotected: open && !acknowledgedOpen,
    check(req) {
      try {
        if (allowlist !== undefined) {
          const raw = clientAddress(req, hops);
          const address = raw === undefined ? undefined : normalizeAddress(raw);
          const type = address === undefined ? undefined : family(address);
          if (address === undefined || type === undefined || !allowlist.check(address, type)) return forbidden;
        }
        if (expected !== undefined) {
          const header = req.headers.authorization;
          const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
          if (match?.[1] === undefined) return unauthorized('unauthorized: a bearer token is required');
          if (!timingSafeEqual(digest(match[1]), expected)) return unauthorized('unauthorized: wrong bearer token');
        }
        return OK;
      } catch {
        return forbidden;
      }
    },
  };
}

/** True for a loopback address (`127.0.0.0/8`, `::1`, their IPv4-mapped forms) or `localhost`. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = normalizeAddress(address);
  return a === 'localhost' || a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/**
 * Warn once (`OBS_WARN_METRICS_UNPROTECTED`) that `where` serves the metrics to anyone who can
 * reach it, unless the guard has a token, an allowlist or `open: true`. The integrations call it
 * for a route on the application's own port; the standalone server when it binds beyond loopback.
 */
export function warnUnprotected(guard: ScrapeGuard, warner: Warner, where: string): void {
  if (!guard.unprotected) return;
  warner.once(
    'OBS_WARN_METRICS_UNPROTECTED',
    'metrics-unprotected',
    `${where} serves the metrics without a token or an allowlist, to anyone who can reach it.`,
  );
}
