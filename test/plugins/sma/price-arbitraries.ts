import fc from 'fast-check';
import {countToDecimal} from './exact-decimal-mean.js';

/** Counts of 1e-8 from 1 (1e-8) to 10^20 (10^12), log-uniform in magnitude. */
export const priceCount = fc.integer({min: 0, max: 19}).chain((digits) => fc.bigInt({min: 10n ** BigInt(digits), max: 10n ** BigInt(digits + 1)}));

/** A count with its last `8 - places` decimals dropped (kept at least 1e-(places)), written with `places` decimals. */
function withPlaces(count: bigint, places: number): string {
  const step = 10n ** BigInt(8 - places);
  const rounded = count - (count % step);
  return countToDecimal(rounded > 0n ? rounded : step, places);
}

/** A price from 1e-8 to 1e12 with 0 to 8 decimals, as a decimal string. */
export const priceDecimal = fc.tuple(priceCount, fc.integer({min: 0, max: 8})).map(([count, places]) => withPlaces(count, places));

/**
 * A series of `length` prices: either independent magnitudes (a window mixes 1e-8 and 1e12), or a level
 * from 1e-8 to 1e12 with up to ±1% noise (what a real series looks like, at any price), with 0 to 8
 * decimals each.
 */
export function priceSeries(length: number): fc.Arbitrary<string[]> {
  const independent = fc.array(priceDecimal, {minLength: length, maxLength: length});
  const level = fc.tuple(priceCount, fc.integer({min: 0, max: 8})).chain(([center, places]) =>
    fc.array(
      fc.bigInt({min: -center / 100n, max: center / 100n}).map((noise) => withPlaces(center + noise, places)),
      {minLength: length, maxLength: length},
    ),
  );
  return fc.oneof(level, independent);
}

/** A window from 1 to 1,000, small ones more often. */
export const windowSize = fc.oneof(fc.integer({min: 1, max: 30}), fc.integer({min: 1, max: 1000}));

/**
 * A window and a series covering it a few times over, with a few missing values (undefined) anywhere.
 */
export const windowAndSeries = windowSize.chain((window) =>
  fc
    .integer({min: 0, max: window + 80})
    .chain((length) => fc.tuple(fc.constant(window), priceSeries(length), fc.array(fc.nat({max: Math.max(0, length - 1)}), {maxLength: 3})))
    .map(([w, series, holes]): [number, (string | undefined)[]] => {
      const withHoles: (string | undefined)[] = [...series];
      for (const hole of holes) if (hole < withHoles.length) withHoles[hole] = undefined;
      return [w, withHoles];
    }),
);

/** A price written the way a float64 holds it (`String(Number(decimal))`), what a Float64Array column stands for. */
export function asFloats(decimals: readonly (string | undefined)[]): Float64Array {
  return Float64Array.from(decimals, (d) => (d === undefined ? Number.NaN : Number(d)));
}

/** The decimal each float stands for: its shortest round-trip spelling. */
export function floatDecimals(values: Float64Array): (string | undefined)[] {
  return Array.from(values, (v) => (Number.isNaN(v) ? undefined : String(v)));
}
