import type {Candle} from './candle.js';
import type {TimeRange} from './record.js';
import type {Resolution} from './resolution.js';

export interface CandleQuery extends TimeRange {
  readonly pair: string;
  readonly resolution: Resolution;
  readonly signal?: AbortSignal;
}

/** One response's worth of candles, ascending, plus how many HTTP attempts (every retry included) it took. */
export interface CandlePage {
  readonly candles: readonly Candle[];
  readonly requests: number;
}

export interface SourcePlan {
  readonly requests: number;
}

/**
 * Yields the complete candles of `[from, to]` in ascending pages, so a long backfill streams instead of
 * loading years of bars at once. A source must never yield a bucket that is still running. A window that
 * cannot be fetched raises a SourceError whose `requests` counts the attempts sent for it, so that a pair's
 * `requests` are all the attempts sent, whether they succeeded or not.
 */
export interface Source {
  readonly name: string;
  candles(query: CandleQuery): AsyncIterable<CandlePage>;
  /** How many requests `candles(query)` will make when nothing fails (for `--dry-run`). */
  plan(query: CandleQuery): SourcePlan;
  close?(): Promise<void>;
}
