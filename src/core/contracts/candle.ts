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

const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;
/** Smallest positive normal float64: below it a float keeps fewer digits still. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Whether `value` (the number `text` parses to) surely states the decimal `text` exactly, so that
 * `String(value)` gives it back: at most 15 significant digits within float64's normal range. A longer
 * decimal whose float happens to hold it too is kept as text all the same: cheap to keep, costly to prove.
 */
export function heldExactly(text: string, value: number): boolean {
  if (!Number.isFinite(value) || (value !== 0 && Math.abs(value) < MIN_NORMAL)) return false;
  let digit = 0;
  let first = -1;
  let last = -1;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 101 || code === 69) break; // the exponent: its digits are not significant ones
    if (code < 48 || code > 57) continue; // a sign or the point
    if (code !== 48) {
      if (first < 0) first = digit;
      last = digit;
    }
    digit++;
  }
  if (first < 0) return value === 0;
  return value !== 0 && last - first < 15;
}

/** A candle from its values' decimal texts (as a store keeps them): numbers, and `exact` where a float64 falls short. */
export function candleFromDecimals(timestamp: number, texts: Readonly<Record<keyof ExactDecimals, string>>): Candle {
  const candle: {-readonly [K in keyof Candle]: Candle[K]} = {timestamp, open: 0, high: 0, low: 0, close: 0, volume: 0};
  let exact: Partial<Record<keyof ExactDecimals, string>> | undefined;
  for (const key of VALUES) {
    const text = texts[key];
    candle[key] = Number(text);
    if (!heldExactly(text, candle[key])) {
      exact ??= {};
      exact[key] = text;
    }
  }
  if (exact) candle.exact = exact;
  return candle;
}
