export * from './definitions/index.js';
export { describeReceived, ERROR_CODES, ERROR_MEANINGS, redactSecrets, typeOnly, WARNING_CODES, WARNING_FIXES, ObsError, type ObsErrorCode, type ObsWarningCode } from './errors.js';
export { defaultWarningHandler, Warner, type WarningHandler } from './warnings.js';
export { DEFAULT_MAX_SERIES_PER_METRIC, SeriesGuard } from './cardinality.js';
export { closestName, rejectUnknownKeys, withOptionPath } from './validate.js';
export {
  capLabelValue,
  MAX_LABEL_VALUE_LENGTH,
  ObsCounter,
  ObsGauge,
  ObsHistogram,
  type CounterChild,
  type GaugeChild,
  type HistogramChild,
  type InstrumentContext,
  type InstrumentOptions,
  type LabelKeys,
  type LabelValues,
} from './instruments/instrument.js';
export { HttpRecorder, normalizeMethod, statusLabel } from './instruments/http.js';
export { DEFAULT_MAX_ERROR_TYPES, ErrorRecorder, errorTypeOf, normalizeErrorType } from './instruments/errors.js';
export { WorkTracker } from './instruments/work-tracker.js';
export { readCgroupLimits, type CgroupLimits } from './collectors/index.js';
export { createObs, OBS_OPTION_KEYS, SDK_NAME, type Obs, type ObsOptions, type ShutdownOptions } from './obs.js';
export * from './exposition/index.js';
export { createLogger, logRequest, type ObsLoggerOptions, type RequestLogFields, type RequestLogger } from './logger.js';
export { sampledSpanContext } from './tracing/span-context.js';
export * from './cluster/index.js';
export { checkContract, formatReport, ScrapeError, type CheckInput, type CheckOptions, type CheckProfile, type CheckResult, type RuleResult } from './checker/index.js';
