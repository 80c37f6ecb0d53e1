// Shared by every server variant: the response body and the listen step (HOST/PORT from the env).
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);

/** The small JSON every variant answers on GET /users/:id. */
export function user(id) {
  return { id, name: `user ${id}`, active: true };
}

/** Listen a Fastify app. */
export async function listen(app) {
  await app.listen({ host, port });
  process.stdout.write(`listening on ${host}:${port}\n`);
}

/** Listen an Express app (or any node:http listener). */
export async function listenHttp(app) {
  await new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err) => (err ? reject(err) : resolve(server)));
  });
  process.stdout.write(`listening on ${host}:${port}\n`);
}

// Under bench/profile.mjs (node --cpu-prof), exit normally on SIGTERM so the profile is written.
if (process.env.BENCH_PROFILE) process.once('SIGTERM', () => process.exit(0));
