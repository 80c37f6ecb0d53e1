export { checkContract, type CheckInput, type CheckOptions, type CheckResult, EXPOSITION_RULE } from './check.js';
export { CHECK_PROFILES, type CheckProfile } from './context.js';
export { type Exposition, type ExpositionFormatName, ExpositionSyntaxError, type MetricFamily, parseExposition, type Sample } from './exposition.js';
export { MAX_PRINTED_CHARS, printable, printableJson } from './printable.js';
export { formatReport } from './report.js';
export { MAX_EXAMPLES, RULES, type Rule, type RuleResult, rawPathReason } from './rules/index.js';
export { DEFAULT_MAX_BYTES, PROMETHEUS_ACCEPT, ScrapeError } from './scrape-endpoint.js';
