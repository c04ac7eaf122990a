/** One OHLCV bar. `timestamp` is the bucket's open time in Unix seconds (UTC). */
export interface Candle {
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}
