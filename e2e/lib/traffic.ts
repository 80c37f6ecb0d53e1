// Bounded HTTP load on the examples: a fixed number of requests over a route mix, at a fixed
// concurrency, on keep-alive connections (Node's fetch). Statuses are counted so the suite can
// check the examples answered as expected.

/** One request of a mix. */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Every route of the API examples, with the responses they give: 2xx, 404 (unmatched), 500, a slow one. */
export function apiMix(i: number): Route {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return { method: 'GET', path: `/users/${1000 + (i % 97)}` };
    case 3:
    case 4:
      return { method: 'POST', path: '/orders', body: { items: [i % 7] } };
    case 5:
    case 6:
      return { method: 'GET', path: `/api/v1/items/${i % 13}` };
    case 7:
      return { method: 'GET', path: `/no/such/route/${i}` };
    case 8:
      return { method: 'GET', path: '/slow?ms=20' };
    default:
      return i % 40 === 9 ? { method: 'GET', path: '/error' } : { method: 'GET', path: '/healthz' };
  }
}

/** Only successful requests (recovery traffic). */
export function goodMix(i: number): Route {
  return i % 2 === 0 ? { method: 'GET', path: `/users/${i % 97}` } : { method: 'GET', path: `/api/v1/items/${i % 13}` };
}

/**
 * Sends `total` requests to `base`, `concurrency` at a time; resolves to the count per status
 * (`0` for a failed connection).
 *
 * @example
 * const statuses = await load('http://127.0.0.1:3001', 100, 8, () => ({ method: 'GET', path: '/error' }));
 */
export async function load(base: string, total: number, concurrency: number, mix: (i: number) => Route): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const one = async () => {
    while (next < total) {
      const route = mix(next++);
      let status = 0;
      try {
        const res = await fetch(base + route.path, {
          method: route.method,
          ...(route.body !== undefined && { body: JSON.stringify(route.body), headers: { 'content-type': 'application/json' } }),
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {}
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return statuses;
}
