// Declarations of procs.mjs, for the TypeScript tests and the end-to-end suite.
import type { ChildProcess } from 'node:child_process';

/** How a child ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child started in its own process group; `stop()` signals the group by PID and waits. */
export interface Proc {
  child: ChildProcess;
  pid: number;
  exited: Promise<Exit>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/** A redis-server on a loopback port. */
export interface Redis extends Proc {
  port: number;
  url: string;
}

/** A free TCP port on 127.0.0.1 (the kernel's pick). */
export function freePort(): Promise<number>;
/** Start a command in its own process group (as `uid`/`gid` when given); output goes to `log` line by line. */
export function startProcess(cmd: string, args: string[], options?: { env?: Record<string, string>; cwd?: string; log?: (line: string) => void; uid?: number; gid?: number }): Proc;
/** Poll `url` until it answers (any HTTP status) or `timeoutMs` passes. */
export function waitForHttp(url: string, options?: { timeoutMs?: number; headers?: Record<string, string> }): Promise<Response>;
/** Start `redis-server` on a loopback port (`port`, or a free one) with no persistence. */
export function startRedis(options?: { log?: (line: string) => void; port?: number }): Promise<Redis>;
