import {type Candle, candleFromDecimals, type ExactDecimals} from './contracts/candle.js';

/** A decimal as a store keeps a candle's value: digits, an optional fraction and exponent, no sign but `+`. */
const STORED_DECIMAL = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * What is wrong with a stored candle, for a message, or undefined when mms could have written it: its
 * timestamp on the grid of `step` seconds, each value a finite number or the text of a finite decimal, the
 * prices positive and the volume not negative. A store checks what it reads with this, so a hand edit is named, never averaged.
 */
export function unwrittenCandle(timestamp: unknown, values: Readonly<Record<keyof ExactDecimals, unknown>>, step: number): string | undefined {
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp % step !== 0) {
    return `timestamp ${JSON.stringify(timestamp)}, where mms writes the Unix seconds of a bar on the ${step}-second grid`;
  }
  for (const key of VALUES) {
    const text = values[key];
    const number = typeof text === 'number' ? text : typeof text === 'string' && STORED_DECIMAL.test(text) ? Number(text) : Number.NaN;
    const valid = Number.isFinite(number) && (key === 'volume' ? number >= 0 : number > 0);
    if (!valid) {
      const wanted = key === 'volume' ? 'a decimal of at least 0' : 'a positive decimal';
      return `"${key}": ${JSON.stringify(text) ?? String(text)}, where mms writes ${wanted}`;
    }
  }
  return undefined;
}

/**
 * A candle's value as a store keeps it: the number when a float64 holds it exactly, else the decimal text
 * received (see `Candle.exact`) — so a store holds numbers people can query, and every digit of the rest.
 */
export function storedValue(candle: Candle, key: keyof ExactDecimals): number | string {
  return candle.exact?.[key] ?? candle[key];
}

/** A candle from the values a store kept (numbers or decimal texts, as `storedValue` wrote them). */
export function candleFromStored(timestamp: number, values: Readonly<Record<keyof ExactDecimals, number | string>>): Candle {
  const text = (key: keyof ExactDecimals) => {
    const value = values[key];
    return typeof value === 'number' ? String(value) : value;
  };
  return candleFromDecimals(timestamp, {open: text('open'), high: text('high'), low: text('low'), close: text('close'), volume: text('volume')});
}
