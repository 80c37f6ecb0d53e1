import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('captureProcessErrors', () => {
  it.each([
    ['exception', 'uncaughtException', 'range_error'],
    ['rejection', 'unhandledRejection', 'unhandled_rejection'],
    ['handled', 'uncaughtException', 'range_error'],
  ])('records a %s without changing how the process ends', async (mode, origin) => {
    const [bare, instrumented] = await Promise.all([run([fixture('process-errors.mjs'), mode, '0']), run([fixture('process-errors.mjs'), mode, '1'])]);
    expect(instrumented.code).toBe(bare.code);
    expect(bare.code).toBe(mode === 'handled' ? 0 : 1);
    // The error still reaches stderr (Node's own report) or the app's handler, as without obs.
    const firstLine = (s: string) => s.split('\n').find((l) => /Error|boom|nobody/.test(l));
    expect(firstLine(instrumented.stderr)).toBe(firstLine(bare.stderr));
    if (mode === 'handled') expect(instrumented.stdout).toContain('handled boom');
    const report = JSON.parse(instrumented.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}');
    expect(report.origin).toBe(origin);
    const expectedType = origin === 'unhandledRejection' ? 'unhandled_rejection' : 'uncaught_exception';
    expect(report.counts).toEqual({ [expectedType]: 1 });
  });
});

describe('cardinality guard', () => {
  it('keeps 100 000 distinct label values at cap + 1 series and bounded memory', async () => {
    const result = await run(['--expose-gc', fixture('cardinality.mjs')], { TOTAL: '100000', CAP: '2000' });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report.series).toBe(2001);
    // Everything past the cap landed in the overflow series.
    expect(report.overflowValue).toBe(100_000 - 2000);
    expect(report.warnings).toEqual(['OBS_WARN_CARDINALITY_CAP']);
    // 98 000 further values after the cap cost (almost) nothing: nothing is retained per value.
    expect(report.heapGrowthBytes).toBeLessThan(8 * 1024 * 1024);
  }, 20_000);
});
