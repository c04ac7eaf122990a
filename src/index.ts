// The public API of mms: what a config file and a plugin may import. Everything else is internal.
// test/examples/public-api.test.ts pins these names: adding or removing one is a deliberate (semver) change.
export {defineConfig, type MmsConfig} from './config/define-config.js';
export type {Alarm, GapCause, GapReport, GapRun, PairGaps} from './core/contracts/alarm.js';
export {type Candle, candleFromDecimals, type ExactDecimals, exactDecimal, heldExactly} from './core/contracts/candle.js';
export type {CandleStore} from './core/contracts/candle-store.js';
export type {Clock} from './core/contracts/clock.js';
export type {HttpClient, HttpClientFactory, HttpClientOptions} from './core/contracts/http-client.js';
export type {Logger} from './core/contracts/logger.js';
export {definePlugin, PLUGIN_KINDS, type PluginContext, type PluginInstances, type PluginKind, type PluginManifest} from './core/contracts/plugin.js';
export type {MmsRecord, TimeRange} from './core/contracts/record.js';
export {RESOLUTIONS, resolutionSeconds, type Resolution} from './core/contracts/resolution.js';
export type {Sink} from './core/contracts/sink.js';
export type {CandlePage, CandleQuery, Source, SourcePlan} from './core/contracts/source.js';
export type {StandardSchemaV1} from './core/contracts/standard-schema.js';
export type {BarSeries, FieldDescription, Transform} from './core/contracts/transform.js';
export {AlarmError} from './core/errors/alarm-error.js';
export {ConfigError} from './core/errors/config-error.js';
export {EXIT_CODES, type ExitCode} from './core/errors/exit-codes.js';
export {isMmsError, MmsError} from './core/errors/mms-error.js';
export {SinkError} from './core/errors/sink-error.js';
export {isSourceError, SourceError, type SourceErrorKind} from './core/errors/source-error.js';
export {LockedError} from './core/errors/locked-error.js';
export {UsageError} from './core/errors/usage-error.js';
export {
  type FailedWindow,
  type HeldLock,
  type LedgerState,
  type LockOwner,
  type RestatedBar,
  RUNS_KEPT,
  type RunRecord,
  type SourceHole,
  type StateStore,
} from './core/contracts/state-store.js';
export {redactCredentials, redactUrl} from './core/redact-url.js';
export {formatUtc} from './core/time/format-utc.js';
// Only the tokens of the services plugins are given; the container's other tokens are internal.
export {PUBLIC_TOKENS as TOKENS} from './core/tokens.js';
// For plugin authors' tests: the contract every sink must pass (takes ava's `test`; ava is not a dependency).
export {sinkConformance, type SinkConformanceOptions} from './testing/sink-conformance.js';
