import type Cluster from 'node:cluster';
import type * as OtelApi from '@opentelemetry/api';
import type Pino from 'pino';

const { createRequire } = process.getBuiltinModule('node:module');

// What a plain metrics user never calls is loaded on first use, not when `@obs/metrics-standard`
// (and so `@obs/express` or `@obs/fastify`) is imported: pino and its worker-thread transport
// machinery (for `createLogger`), and node:cluster with child_process and dgram (for the cluster
// aggregation); and @opentelemetry/api, read only while a tracing SDK is registered or a logger
// is made (importing it from ESM has Node lex its CommonJS re-exports file by file: ~0.015 G of
// start-up; prom-client's index would load it too, which is why the core does not use that index,
// src/prom.ts). Loading them eagerly was most of what importing @obs cost
// over prom-client (bench/notes.md, docs/decisions/0082). `import.meta.url` is shimmed in the CommonJS build (tsup).
// node: built-ins are read with process.getBuiltinModule (Node >= 20.16) in every file of the core,
// not imported: from ESM each `import { … } from 'node:…'` builds a module wrapper of all the
// built-in's exports, ~0.009 G of start-up for the seven the core uses (bench/instructions.mjs
// --startup-only); in the CommonJS build both are a plain lookup.

let required: NodeJS.Require | undefined;
let pino: typeof Pino | undefined;
let cluster: typeof Cluster | undefined;
let otelApi: typeof OtelApi | undefined;

/** `require` resolving from this package (for its own dependencies), made on first call. */
export function requireHere(id: string): unknown {
  required ??= createRequire(import.meta.url);
  return required(id);
}

/** pino, loaded on first call. */
export function loadPino(): typeof Pino {
  pino ??= requireHere('pino') as typeof Pino;
  return pino;
}

/** node:cluster, loaded on first call. */
export function loadCluster(): typeof Cluster {
  // getBuiltinModule returns module.exports: the cluster object itself (the default export's value).
  cluster ??= process.getBuiltinModule('node:cluster') as unknown as typeof Cluster;
  return cluster;
}

/** @opentelemetry/api, loaded on first call. */
export function loadOtelApi(): typeof OtelApi {
  otelApi ??= requireHere('@opentelemetry/api') as typeof OtelApi;
  return otelApi;
}
