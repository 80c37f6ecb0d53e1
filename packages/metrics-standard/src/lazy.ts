import { createRequire } from 'node:module';
import type Cluster from 'node:cluster';
import type Pino from 'pino';

// What a plain metrics user never calls is loaded on first use, not when `@obs/metrics-standard`
// (and so `@obs/express` or `@obs/fastify`) is imported: pino and its worker-thread transport
// machinery (for `createLogger`), and node:cluster with child_process and dgram (for the cluster
// aggregation). Loading them eagerly was most of what importing @obs cost over prom-client
// (bench/notes.md, docs/decisions/0082). `import.meta.url` is shimmed in the CommonJS build (tsup).

let requireHere: NodeJS.Require | undefined;
let pino: typeof Pino | undefined;
let cluster: typeof Cluster | undefined;

/** pino, loaded on first call. */
export function loadPino(): typeof Pino {
  if (pino === undefined) {
    requireHere ??= createRequire(import.meta.url);
    pino = requireHere('pino') as typeof Pino;
  }
  return pino;
}

/** node:cluster, loaded on first call. */
export function loadCluster(): typeof Cluster {
  // getBuiltinModule returns module.exports: the cluster object itself (the default export's value).
  cluster ??= process.getBuiltinModule('node:cluster') as unknown as typeof Cluster;
  return cluster;
}
