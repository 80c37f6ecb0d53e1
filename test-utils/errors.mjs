// Catching what a call throws, for assertions on it: a call that returns fails the test.

/**
 * The error `fn` throws. When `type` is given, anything else it throws is rethrown (the test fails
 * on the real error); when `fn` returns, the test fails.
 */
export function errorOf(fn, type) {
  try {
    fn();
  } catch (err) {
    if (type === undefined || err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected ${type?.name ?? 'an error'} to be thrown; the call returned`);
}
