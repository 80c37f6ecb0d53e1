import type { CheckResult } from './check.js';
import { printable } from './printable.js';

/**
 * The human report: a header, one line per rule (`✓`/`✗`, rule id, message), offending examples
 * indented under a failed rule, and a closing verdict. Every string that may quote the endpoint
 * is passed through {@link printable}: control characters escaped, long strings truncated.
 *
 * @example
 * console.log(formatReport(await checkContract('http://127.0.0.1:3000/metrics')));
 */
export function formatReport(result: CheckResult): string {
  const width = Math.max(...result.rules.map((r) => r.id.length));
  const groups = result.groups.length > 0 ? `: ${result.groups.join(', ')}` : '';
  const lines = [`obs-contract check ${result.url === null ? '(text)' : printable(result.url, 500)} (profile ${result.profile}${groups})`];
  for (const rule of result.rules) {
    lines.push(`${rule.ok ? '✓' : '✗'} ${rule.id.padEnd(width)}  ${printable(rule.message, 1000)}`);
    for (const example of rule.examples) lines.push(`    ${printable(example)}`);
  }
  const failed = result.rules.filter((r) => !r.ok).length;
  lines.push(
    failed === 0
      ? `${result.rules.length} rules passed: speaks the contract`
      : `${failed} of ${result.rules.length} rules failed: does not speak the contract`,
  );
  return lines.join('\n');
}
