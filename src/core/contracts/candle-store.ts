import type {Candle} from './candle.js';
import type {TimeRange} from './record.js';

/**
 * The raw candles beside the records: every candle a run fetched, its look-back included, with every
 * value exact as received (the decimal text of `Candle.exact` where a float64 falls short). `mms verify`
 * and `mms recompute` re-derive the averages from them without a request to the exchange.
 */
export interface CandleStore {
  /** Upserts by (pair, timestamp): a candle the exchange restated replaces the stored one. */
  upsertCandles(pair: string, candles: readonly Candle[]): Promise<void>;
  /**
   * Candles of `pair` with `from <= timestamp <= to`, ascending, values exact as stored.
   *
   * @throws SinkError naming pair, day and value when a stored candle is not one mms could have written
   * (hand-edited into a non-number, a non-positive price, a timestamp off the grid).
   */
  readCandles(pair: string, range: TimeRange): Promise<Candle[]>;
}
