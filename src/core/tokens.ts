/** Every service identifier in the container, in one place. Plugins may ask for the ones marked public. */
export const TOKENS = {
  /** public: Clock */
  Clock: Symbol.for('mms.Clock'),
  /** public: Logger */
  Logger: Symbol.for('mms.Logger'),
  /** public: HttpClientFactory */
  HttpClientFactory: Symbol.for('mms.HttpClientFactory'),
  /** ResolvedConfig */
  Config: Symbol.for('mms.Config'),
  /** PluginManifest, one binding per available plugin */
  PluginManifest: Symbol.for('mms.PluginManifest'),
  PluginRegistry: Symbol.for('mms.PluginRegistry'),
  Source: Symbol.for('mms.Source'),
  /** Transform[], in config order */
  Transforms: Symbol.for('mms.Transforms'),
  Sink: Symbol.for('mms.Sink'),
  IngestService: Symbol.for('mms.IngestService'),
} as const;
