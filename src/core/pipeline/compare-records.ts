import type {MmsRecord} from '../contracts/record.js';

/** A stored value that differs from the one its stored candles give. */
export interface Mismatch {
  readonly timestamp: number;
  readonly field: string;
  /** What the store holds (null: no value; undefined: the field is absent). */
  readonly stored: number | null | undefined;
  /** What the candles give (null: no value, e.g. a window without its history). */
  readonly expected: number | null;
}

export interface Comparison {
  /** Values compared (close and each field of each record that has its candle). */
  readonly values: number;
  readonly mismatches: Mismatch[];
  /** Timestamps of stored records with no stored candle to check them against. */
  readonly withoutCandle: number[];
}

/**
 * Compares stored records with the records their candles give, bit for bit: `close` and each of `fields`,
 * a number equal only to the same float64 (so 0.1 + 0.2 is not 0.3), null only to null or an absent field.
 * `expected` is keyed by timestamp.
 */
export function compareRecords(stored: readonly MmsRecord[], expected: ReadonlyMap<number, MmsRecord>, fields: readonly string[]): Comparison {
  const mismatches: Mismatch[] = [];
  const withoutCandle: number[] = [];
  let values = 0;
  for (const record of stored) {
    const derived = expected.get(record.timestamp);
    if (derived === undefined) {
      withoutCandle.push(record.timestamp);
      continue;
    }
    for (const field of ['close', ...fields]) {
      values++;
      const have = record[field] as number | null | undefined;
      const want = (derived[field] as number | null | undefined) ?? null;
      const same = want === null ? have === null || have === undefined : typeof have === 'number' && Object.is(have, want);
      if (!same) mismatches.push({timestamp: record.timestamp, field, stored: have, expected: want});
    }
  }
  return {values, mismatches, withoutCandle};
}
