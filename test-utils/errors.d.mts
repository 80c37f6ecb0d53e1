/** The error `fn` throws (rethrows anything not a `type`); fails when `fn` returns. */
export function errorOf<E>(fn: () => unknown, type: abstract new (...args: never[]) => E): E;
export function errorOf(fn: () => unknown): unknown;
