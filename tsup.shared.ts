import { defineConfig, type Options } from 'tsup';

/**
 * One build recipe for every @obs package: ESM (.js) and CommonJS (.cjs) side by side, each with
 * its own declaration file (.d.ts / .d.cts) so that `attw --pack` resolves types for both.
 */
export function packageConfig(entry: string[], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
