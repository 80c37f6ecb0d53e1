// Polling for the end-to-end files: a value that is not there yet, within a deadline.

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a value (not undefined) or the deadline passes. `detail`, when
 * given, is called at the deadline and appended to the error (e.g. the last answer seen).
 */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, intervalMs = 250, detail?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${detail ? `; ${detail()}` : ''}`);
    await sleep(intervalMs);
  }
}
