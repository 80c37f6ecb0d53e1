// Typed access to the shared process helpers (scripts/lib/procs.mjs): free loopback ports,
// children in their own process group stopped by PID, HTTP readiness polling, redis-server.
import type { ChildProcess } from 'node:child_process';
// @ts-expect-error: plain JS helpers without declarations
import * as procs from '../../scripts/lib/procs.mjs';

/** A child started in its own process group; `stop()` signals the group by PID and waits. */
export interface Proc {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A redis-server on a free loopback port. */
export interface Redis extends Proc {
  port: number;
  url: string;
}

export const freePort: () => Promise<number> = procs.freePort;
export const startProcess: (cmd: string, args: string[], opts?: { env?: Record<string, string>; cwd?: string; log?: (line: string) => void }) => Proc =
  procs.startProcess;
export const waitForHttp: (url: string, opts?: { timeoutMs?: number; headers?: Record<string, string> }) => Promise<Response> = procs.waitForHttp;
export const startRedis: (opts?: { log?: (line: string) => void }) => Promise<Redis> = procs.startRedis;
