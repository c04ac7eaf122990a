/** One OHLCV bar. `timestamp` is the bucket's open time in Unix seconds (UTC). */
export interface Candle {
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /**
   * The decimal text the source sent for each value a float64 does not hold exactly (more than 15
   * significant digits, e.g. `"123456789012.12345678"`); absent for the others, which their number
   * states exactly (`String(value)` gives their decimal back). Transforms and stores that need exact
   * prices read it; anything else may ignore it.
   */
  readonly exact?: ExactDecimals;
}

/** Decimal texts of some of a candle's values, as the source sent them. */
export type ExactDecimals = Readonly<Partial<Record<'open' | 'high' | 'low' | 'close' | 'volume', string>>>;

/** A value of a candle as exact decimal text: what the source sent, or the decimal its number stands for. */
export function exactDecimal(candle: Candle, field: keyof ExactDecimals): string {
  return candle.exact?.[field] ?? String(candle[field]);
}
