import type { FileHandle } from 'node:fs/promises';
import { RESOURCE_METRICS } from '../definitions/service.js';
import { ObsGauge } from '../instruments/instrument.js';
import type { Collector, CollectorContext } from './types.js';

// Built-ins through process.getBuiltinModule, not `import`: see src/lazy.ts.
const { open } = process.getBuiltinModule('node:fs/promises');

const STATUS_FILE = '/proc/self/status';
const VM_RSS = /^VmRSS:\s+(\d+)\s+kB$/m;

/**
 * One handle on `/proc/self/status` for the whole process (every instance reads the same file), opened
 * on the first scrape and kept: a handle that belonged to one instance would be closed by garbage
 * collection, which Node deprecates. `undefined` where the file does not exist.
 */
let statusHandle: Promise<FileHandle | undefined> | undefined;

async function readRss(): Promise<number> {
  statusHandle ??= process.platform === 'linux' ? open(STATUS_FILE, 'r').catch(() => undefined) : Promise.resolve(undefined);
  const fh = await statusHandle;
  if (fh !== undefined) {
    try {
      // A buffer per read: concurrent scrapes of two instances must not share one.
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, 0);
      const kb = VM_RSS.exec(buffer.toString('latin1', 0, bytesRead))?.[1];
      if (kb !== undefined) return Number(kb) * 1024;
    } catch {
      // Fall back to the synchronous reading below.
    }
  }
  return process.memoryUsage.rss();
}

/**
 * `service_memory_usage_bytes`: resident set size, read at scrape time. On Linux from
 * `/proc/self/status` through one cached file handle read asynchronously at offset 0
 * (`process.memoryUsage.rss()` reads `/proc/self/stat` synchronously on every call); elsewhere,
 * or if the file cannot be read, `process.memoryUsage.rss()`.
 */
export function memoryCollector(ctx: CollectorContext): Collector {
  const gauge: ObsGauge = new ObsGauge(RESOURCE_METRICS.memoryUsageBytes, ctx, {
    collect: async () => gauge.labels().set(await readRss()),
  });
  return { name: 'memory' };
}
