/**
 * The `obs-dashboards` command line, as a function (the bin in cli.ts calls it), so tests and
 * scripts run it in-process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ObsError } from '@obs/metrics-standard';
import { loadConfigFile, type ObsDashboardsConfig, resolveConfig, selectorWarnings } from './config.js';
import { generate } from './generate.js';
import { assertSafeOutDir, checkOutput, listSome, MANIFEST_FILE, writeOutput } from './output.js';

/** Where the CLI writes; injected by tests. */
export interface CliIo {
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Exit codes: 0 done / up to date, 1 `check` found differences, 2 bad usage or config. */
export const EXIT = { ok: 0, stale: 1, usage: 2 } as const;

const USAGE = `Usage:
  obs-dashboards generate [--config FILE] [--out DIR] [--dry-run]   write every artifact (default DIR: dashboards)
  obs-dashboards check    [--config FILE] [--out DIR]               exit 1 when DIR differs from what generate writes

Options:
  --config FILE   a .ts/.mts/.cts, .js/.mjs/.cjs or .json file exporting the configuration
                  (default: obs-dashboards.config.{ts,mts,cts,js,mjs,cjs,json} in the current folder
                  when there is one, else the built-in defaults)
  --out DIR       output directory (default: dashboards); not empty, the filesystem root or your home folder
  --dry-run       list what generate would write and remove; touch nothing
  -h, --help      show this help

generate records what it wrote in DIR/${MANIFEST_FILE} and removes only files listed
there that it no longer generates (and that were not edited since); every other file in DIR is kept.`;

/** The config file names picked up from the current folder without `--config`, in this order. */
export const DEFAULT_CONFIG_FILES = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((ext) => `obs-dashboards.config.${ext}`);

/**
 * Runs `obs-dashboards` with the given arguments and returns the exit code.
 *
 * @example
 * const code = await runCli(['check', '--out', 'dashboards']);
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { cwd: process.cwd(), stdout: (l) => console.log(l), stderr: (l) => console.error(l) },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(`obs-dashboards: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const command = positionals[0];
  if ((command !== 'generate' && command !== 'check') || positionals.length > 1) {
    io.stderr(`obs-dashboards: ${command === undefined ? 'missing command' : `unknown command ${positionals.join(' ')}`}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const shown = values.out ?? 'dashboards';
  const configFile = values.config ?? DEFAULT_CONFIG_FILES.find((f) => existsSync(join(io.cwd, f)));
  if (values.config === undefined) {
    io.stdout(configFile === undefined ? 'obs-dashboards: no obs-dashboards.config.* in the current folder: built-in defaults' : `obs-dashboards: using ${configFile} (found in the current folder)`);
  }
  let outDir: string;
  let files: Map<string, string>;
  try {
    outDir = assertSafeOutDir(shown, io.cwd, '--out');
    if (values['dry-run'] && command !== 'generate') throw new ObsError('OBS_ERR_INVALID_OPTION', '--dry-run', true, 'only `generate` takes --dry-run');
    const raw: ObsDashboardsConfig = configFile === undefined ? {} : await loadConfigFile(configFile, io.cwd);
    const config = resolveConfig(raw);
    for (const warning of selectorWarnings(config)) io.stderr(`obs-dashboards: ${warning}`);
    files = generate(config);
    if (command === 'generate') {
      const r = await writeOutput(outDir, files, { dryRun: values['dry-run'] === true, option: '--out' });
      const name = (p: string) => `${shown}/${p}`.replace(/^\.\//, '');
      const lines = r.dryRun
        ? [
            `obs-dashboards: dry run, nothing written: would write ${r.written.length} files to ${shown} (${r.unchanged.length} unchanged) and remove ${r.removed.length}`,
            ...r.written.map((p) => `  write:  ${name(p)}`),
            ...r.removed.map((p) => `  remove: ${name(p)}`),
          ]
        : [
            `obs-dashboards: wrote ${files.size} files to ${shown} (${r.written.length} new or changed)${r.removed.length > 0 ? `, removed ${r.removed.length} no longer generated: ${listSome(r.removed)}` : ''}`,
          ];
      if (r.keptModified.length > 0) {
        lines.push(`obs-dashboards: kept ${r.keptModified.length} files no longer generated but edited since obs-dashboards wrote them: ${listSome(r.keptModified)}`);
      }
      if (r.keptForeign.length > 0) lines.push(`obs-dashboards: kept ${r.keptForeign.length} files not written by obs-dashboards: ${listSome(r.keptForeign)}`);
      io.stdout(lines.join('\n'));
      return EXIT.ok;
    }
  } catch (err) {
    if (err instanceof ObsError) {
      io.stderr(`obs-dashboards: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
  const result = await checkOutput(outDir, files);
  const foreign = result.foreign.length > 0 ? `; ${result.foreign.length} files not written by obs-dashboards ignored` : '';
  if (result.ok) {
    io.stdout(`obs-dashboards: ${shown} is up to date (${files.size} files${foreign})`);
    return EXIT.ok;
  }
  const lines = [
    ...result.stale.map((p) => `  stale:   ${p}`),
    ...result.missing.map((p) => `  missing: ${p}`),
    ...result.extra.map((p) => `  extra:   ${p}`),
  ];
  // The command that repairs it, with the flags this check was given.
  const flags = [...(values.config === undefined ? [] : ['--config', values.config]), ...(values.out === undefined ? [] : ['--out', values.out])];
  io.stderr(`obs-dashboards: ${shown} is out of date${foreign}; run \`${['obs-dashboards generate', ...flags].join(' ')}\`:\n${lines.join('\n')}`);
  return EXIT.stale;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      out: { type: 'string', short: 'o' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
