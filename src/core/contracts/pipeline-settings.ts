import type {Resolution} from './resolution.js';

/**
 * What the pipeline reads of a config, and nothing more: the core states its own needs, and the container
 * fills them from the loaded config, so the core never depends on the config layer's types.
 */
export interface PipelineSettings {
  readonly pairs: readonly string[];
  readonly resolution: Resolution;
  /** Bars the first run loads into an empty store. */
  readonly initialBars: number;
  /** Bars before a run's first that it fetches again to catch candles the exchange restated. */
  readonly recheckBars: number;
  /** The config file as messages name it (e.g. "add it to "pairs" in <file>"), or "defaults". */
  readonly file: string;
}
