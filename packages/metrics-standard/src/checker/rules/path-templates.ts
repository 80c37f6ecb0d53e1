import { LABELS, OVERFLOW_VALUE, UNMATCHED_PATH } from '../../definitions/labels.js';
import type { Rule } from './types.js';
import { fail, pass, plural } from './types.js';

/** Segments longer than this look like tokens or slugs, not route templates. */
export const MAX_TEMPLATE_SEGMENT_LENGTH = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_HASH = /^[0-9a-f]{16,}$/i;
const NUMERIC = /^\d+$/;
const PERCENT = /%[0-9a-f]{2}/i;

/** A route-parameter segment: `:id`, `:id?`, `{id}`, `file.{ext}`, `*`, `*splat`. */
function isParameter(segment: string): boolean {
  return segment.startsWith(':') || segment.includes('*') || /\{[^}]*\}/.test(segment);
}

/** Why a `path` value looks like a raw URL rather than a route template, or `undefined` when it looks like a template. */
export function rawPathReason(path: string): string | undefined {
  if (path === UNMATCHED_PATH || path === OVERFLOW_VALUE) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return 'absolute URL';
  if (/\?[^/]*=/.test(path)) return 'query string';
  if (path.includes('#')) return 'fragment';
  if (PERCENT.test(path)) return 'percent-encoding';
  for (const segment of path.split('/')) {
    if (segment === '' || isParameter(segment)) continue;
    if (segment.includes('?')) return 'query string';
    if (NUMERIC.test(segment)) return 'numeric id';
    if (UUID.test(segment)) return 'UUID';
    if (HEX_HASH.test(segment)) return 'hex hash';
    if (segment.length > MAX_TEMPLATE_SEGMENT_LENGTH) return `segment longer than ${MAX_TEMPLATE_SEGMENT_LENGTH} characters`;
  }
  return undefined;
}

/** `path` values are route templates (`/users/:id`), never raw URLs. */
export const pathTemplates: Rule = {
  id: 'path-templates',
  description: `path values are route templates (/users/:id, /files/{name}, /static/*, ${UNMATCHED_PATH}), never raw URLs with ids, UUIDs, hashes, query strings or percent-encoding.`,
  check(ctx) {
    const values = new Set<string>();
    for (const { definition, family } of ctx.contract) {
      if (!definition.labels.includes(LABELS.path)) continue;
      for (const s of family.samples) {
        const v = s.labels[LABELS.path];
        if (v !== undefined) values.add(v);
      }
    }
    const raw: string[] = [];
    for (const v of values) {
      const reason = rawPathReason(v);
      if (reason !== undefined) raw.push(`${JSON.stringify(v)} (${reason})`);
    }
    if (values.size === 0) return pass(`no ${LABELS.path} values yet`);
    if (raw.length === 0) return pass(`${plural(values.size, `${LABELS.path} value`)} ${values.size === 1 ? 'looks' : 'look'} like route templates`);
    return fail(
      `${plural(raw.length, `${LABELS.path} value`)} ${raw.length === 1 ? 'looks' : 'look'} like raw URLs: record the route template (e.g. /users/:id) or ${UNMATCHED_PATH}`,
      raw,
    );
  },
};
