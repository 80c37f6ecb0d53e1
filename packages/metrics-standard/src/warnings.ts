import { type ObsWarningCode, redactSecrets, WARNING_CODES } from './errors.js';

/** Receives each coded warning once. The default prints it through `process.emitWarning`. */
export type WarningHandler = (code: ObsWarningCode, message: string) => void;

/** `process.emitWarning` with the code, so `node --no-warnings` and warning listeners work as usual. */
export const defaultWarningHandler: WarningHandler = (code, message) => {
  process.emitWarning(message, { type: 'ObsWarning', code });
};

/**
 * Emits each (code, key) warning at most once per instance, credentials in the text masked; never throws.
 */
export class Warner {
  /** @internal */
  private readonly seen = new Set<string>();

  constructor(/** @internal */ private readonly handler: WarningHandler = defaultWarningHandler) {}

  /** Warn once for this code and key (e.g. the metric name). Returns true when it was emitted. */
  once(code: ObsWarningCode, key: string, detail: string): boolean {
    const id = `${code}\u0000${key}`;
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    try {
      // Details quote error messages: mask credentials they may carry (a Redis URL with a password).
      this.handler(code, `${code}: ${redactSecrets(detail)} ${WARNING_CODES[code]}`);
    } catch {
      // A broken warning handler must not break the host either.
    }
    return true;
  }
}
