#!/usr/bin/env node
// obs-contract: check that any /metrics endpoint speaks the @obs metrics contract.
import { parseArgs } from 'node:util';
import { CHECK_PROFILES, type CheckOptions, type CheckProfile, type CheckResult, checkContract, DEFAULT_MAX_BYTES, formatReport, RULES } from './checker/index.js';
import { printable, printableJson, truncate } from './checker/printable.js';
import { CONTRACT_VERSION } from './definitions/index.js';
import { ObsError } from './errors.js';

/** Exit codes: 0 conforming, 1 violations, 2 unreachable or bad usage. */
export const EXIT = { ok: 0, violations: 1, error: 2 } as const;

const USAGE = `Usage: obs-contract check <url> [options]

Scrapes a Prometheus /metrics endpoint (any language; text format 0.0.4 or OpenMetrics) and
reports, rule by rule, whether it speaks the @obs metrics contract ${CONTRACT_VERSION}.

Options:
  --token <T>         bearer token for a protected endpoint; prefer the env variable
                      OBS_CONTRACT_TOKEN (a flag is visible to every user in \`ps\`)
  --json              print the result as JSON: { url, ok, profile, groups, format, rules: [{ id, ok, message, examples }] }
  --timeout <ms>      scrape timeout in milliseconds, connect to last byte (default 10000)
  --max-bytes <n>     most bytes of body to read; past it the check stops with exit 2
                      (default ${DEFAULT_MAX_BYTES}, 10 MiB)
  --profile <p>       auto | http | worker (default auto): which metric groups must be present;
                      the service group always, http/worker when any of their metrics is exposed
                      (auto) or when named here
  --max-series <n>    cardinality budget: most label sets per metric (default 2000)
  -h, --help          this help

Exit status: 0 conforming, 1 contract violations, 2 unreachable endpoint or bad usage.

Rules:
${RULES.map((r) => `  ${r.id.padEnd(18)}${r.description}`).join('\n')}
`;

class UsageError extends Error {}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} expects a positive integer, got "${value}"`);
  return Number(value);
}

function parse(argv: readonly string[]): { url: string; json: boolean; options: CheckOptions } | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof spec; allowPositionals: true; strict: true; args: string[] }>>;
  const spec = {
    token: { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    profile: { type: 'string' },
    'max-series': { type: 'string' },
    'max-bytes': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, url, ...extra] = positionals;
  if (command === undefined) throw new UsageError('missing command: obs-contract check <url>');
  if (command !== 'check') throw new UsageError(`unknown command "${command}": the command is "check"`);
  if (url === undefined) throw new UsageError('missing <url>, e.g. obs-contract check http://127.0.0.1:3000/metrics');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const profile = values.profile ?? 'auto';
  if (!(CHECK_PROFILES as readonly string[]).includes(profile)) throw new UsageError(`--profile expects one of ${CHECK_PROFILES.join(', ')}, got "${profile}"`);
  const token = values.token ?? (process.env.OBS_CONTRACT_TOKEN || undefined);
  if (token === '') throw new UsageError('--token expects a non-empty token');
  const options: CheckOptions = { profile: profile as CheckProfile };
  if (token !== undefined) options.token = token;
  const timeoutMs = integer('--timeout', values.timeout);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const maxSeries = integer('--max-series', values['max-series']);
  if (maxSeries !== undefined) options.maxSeries = maxSeries;
  const maxBytes = integer('--max-bytes', values['max-bytes']);
  if (maxBytes !== undefined && maxBytes < 1024) throw new UsageError(`--max-bytes expects at least 1024, got "${maxBytes}"`);
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return { url, json: values.json ?? false, options };
}

/** The result with the endpoint's text truncated as the human report truncates it (JSON escapes the rest). */
function boundedResult(result: CheckResult): CheckResult {
  return { ...result, rules: result.rules.map((r) => ({ ...r, message: truncate(r.message, 1000), examples: r.examples.map((x) => truncate(x)) })) };
}

/** Runs the CLI; resolves to the exit code. Output goes to the given writers (stdout, stderr). */
export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`obs-contract: ${e.message}\n\n${USAGE}`);
    return EXIT.error;
  }
  if (args === 'help') {
    out(USAGE);
    return EXIT.ok;
  }
  try {
    const result = await checkContract(args.url, args.options);
    out(args.json ? printableJson(boundedResult(result)) : formatReport(result));
    return result.ok ? EXIT.ok : EXIT.violations;
  } catch (e) {
    if (!(e instanceof ObsError)) throw e;
    err(`obs-contract: ${printable(e.message, 2000)}`);
    if (args.json) out(printableJson({ url: args.url, ok: false, profile: args.options.profile, error: { code: e.code, message: truncate(e.message, 2000) }, rules: [] }));
    return EXIT.error;
  }
}

main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`obs-contract: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = EXIT.error;
  },
);
