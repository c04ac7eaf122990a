/**
 * Every service identifier in the container, in one place. Internal: only PUBLIC_TOKENS (below) is part of
 * the public API.
 */
export const TOKENS = {
  /** public: Clock */
  Clock: Symbol.for('mms.Clock'),
  /** public: Logger */
  Logger: Symbol.for('mms.Logger'),
  /** public: HttpClientFactory */
  HttpClientFactory: Symbol.for('mms.HttpClientFactory'),
  /** ResolvedConfig */
  Config: Symbol.for('mms.Config'),
  /** PipelineSettings: the part of the config the pipeline services read */
  PipelineSettings: Symbol.for('mms.PipelineSettings'),
  /** PluginManifest, one binding per available plugin */
  PluginManifest: Symbol.for('mms.PluginManifest'),
  PluginRegistry: Symbol.for('mms.PluginRegistry'),
  /** Map<PluginManifest, string>: "bundled", or the module specifier it was loaded from */
  PluginOrigins: Symbol.for('mms.PluginOrigins'),
  Source: Symbol.for('mms.Source'),
  /** Transform[], in config order */
  Transforms: Symbol.for('mms.Transforms'),
  Sink: Symbol.for('mms.Sink'),
  /** StateStore: the sink's own, or a file beside the config */
  StateStore: Symbol.for('mms.StateStore'),
  /** Ledger of failed windows and source holes, in the sink's state store */
  Ledger: Symbol.for('mms.Ledger'),
  /** AcquireRunLock */
  RunLock: Symbol.for('mms.RunLock'),
  RetryService: Symbol.for('mms.RetryService'),
  /** Alarm[], in config order */
  Alarms: Symbol.for('mms.Alarms'),
  GapsService: Symbol.for('mms.GapsService'),
  VerifyService: Symbol.for('mms.VerifyService'),
  RecomputeService: Symbol.for('mms.RecomputeService'),
  ExportService: Symbol.for('mms.ExportService'),
  StatusService: Symbol.for('mms.StatusService'),
  IngestService: Symbol.for('mms.IngestService'),
} as const;

/**
 * The tokens of the services a plugin is given (exported from `mms` as `TOKENS`, semver-stable): code that
 * resolves them from an mms container — an embedding, a test harness — uses these. A plugin itself gets the
 * same services in `create(context)` and needs no token. The rest of TOKENS stays internal so the wiring
 * can change without a major release.
 */
export const PUBLIC_TOKENS = {
  Clock: TOKENS.Clock,
  Logger: TOKENS.Logger,
  HttpClientFactory: TOKENS.HttpClientFactory,
} as const;
