/**
 * Text from an endpoint (metric names, label values, HELP, status text, error bodies) is shown to
 * a person in a terminal: it must not be able to move the cursor, recolour, retitle the window or
 * reorder what follows, nor flood the screen. Hand-written (a few lines) rather than a dependency:
 * the checker's bin bundles only node: built-ins (decision 0051).
 */

/** C0 and C1 controls, DEL, and the Unicode bidirectional overrides/isolates ("Trojan source"). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_WITH_NEWLINES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Default longest string shown, in characters. */
export const MAX_PRINTED_CHARS = 300;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe for a terminal: control characters and bidi overrides shown escaped (`\x1b`,
 * `\u202e`), cut to `max` characters (code points, before escaping) with `…[N more]`. Newlines
 * are escaped too unless `keepNewlines`.
 *
 * @example
 * printable('evil\u001b[2Jname') // 'evil\\x1b[2Jname'
 */
export function printable(text: string, max = MAX_PRINTED_CHARS, keepNewlines = false): string {
  return truncate(text, max).replace(keepNewlines ? UNSAFE : UNSAFE_WITH_NEWLINES, escapeChar);
}

/** `text` cut to `max` characters (code points) with `…[N more]`; nothing escaped. */
export function truncate(text: string, max = MAX_PRINTED_CHARS): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…[${chars.length - max} more]` : text;
}

/**
 * JSON for a terminal or a log: `JSON.stringify` escapes C0 controls but prints C1 controls and
 * bidi overrides raw; this escapes them as `\uXXXX` too (still valid, lossless JSON).
 */
export function printableJson(value: unknown, space = 2): string {
  return JSON.stringify(value, null, space).replace(/[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
