// The shared process helpers (scripts/lib/procs.mjs, declared in procs.d.mts): free loopback ports,
// children in their own process group stopped by PID, HTTP readiness polling, redis-server.
export { freePort, type Proc, type Redis, startProcess, startRedis, waitForHttp } from '../../scripts/lib/procs.mjs';
