import {readFileSync} from 'node:fs';
import {RECORDED_FILE} from '../../simulator/recorded-dataset.js';

export interface RecordedDay {
  readonly timestamp: number;
  /** The close exactly as the recording wrote it (shortest round-trip decimal of the JSON number). */
  readonly close: string;
}

/** Complete recorded days of a pair, ascending (the partial last day is left out). */
export function recordedDays(pair: 'BRLBTC' | 'BRLETH'): RecordedDay[] {
  const raw = JSON.parse(readFileSync(RECORDED_FILE, 'utf8')) as Record<
    string,
    {server_unix_timestamp: number; candles: Array<{timestamp: number; close: number}>}
  >;
  const response = raw[pair]!;
  return response.candles.filter((c) => c.timestamp + 86_400 <= response.server_unix_timestamp).map((c) => ({timestamp: c.timestamp, close: String(c.close)}));
}

const SCALE = 12;

/** A decimal string as an integer count of 1e-12 units (exact for up to 12 decimals). */
function scaled(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  if (fraction.length > SCALE) throw new Error(`${decimal} has more than ${SCALE} decimals`);
  return BigInt(whole! + fraction.padEnd(SCALE, '0'));
}

/**
 * The exact mean of decimal strings, computed in integers and rounded to 20 significant digits: the
 * reference the float implementation is compared with.
 */
export function exactMean(decimals: readonly string[]): number {
  const sum = decimals.reduce((s, d) => s + scaled(d), 0n);
  const digits = 20n;
  const quotient = (sum * 10n ** digits) / BigInt(decimals.length);
  return Number(quotient) / 10 ** Number(digits) / 10 ** SCALE;
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
