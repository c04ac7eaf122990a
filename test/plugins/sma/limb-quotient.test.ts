import test from 'ava';
import fc from 'fast-check';
import {limbDivisor, limbQuotient} from '../../../plugins/sma/limb-quotient.js';
import {roundedQuotient} from './exact-decimal-mean.js';

const LIMB = 2n ** 32n;

/** Splits a numerator into the limbs `limbQuotient` takes, with `carried` whole limbs moved into `low` as sums do. */
function limbs(numerator: bigint, carried: bigint): [number, number] {
  let high = numerator / LIMB;
  let low = numerator % LIMB;
  const moved = carried < high ? carried : high;
  high -= moved;
  low += moved * LIMB;
  return [Number(high), Number(low)];
}

/** The exact value of a positive double as mantissa × 2^exponent. */
function exactBinary(value: number): {mantissa: bigint; exponent: number} {
  let exponent = 0;
  let mantissa = value;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2;
    exponent--;
  }
  return {mantissa: BigInt(mantissa), exponent};
}

const windowAndNumerator = fc
  .integer({min: 1, max: 2 ** 19})
  .chain((window) =>
    fc.tuple(
      fc.constant(window),
      fc.bigInt({min: 0n, max: BigInt(Math.floor(2 ** 53 / window)) * LIMB + BigInt(window) * LIMB - 1n}),
      fc.bigInt({min: 0n, max: BigInt(window - 1)}),
    ),
  );

test('limbQuotient is the correctly rounded quotient of any limb sum a window of up to 2^19 slots can hold', (t) => {
  fc.assert(
    fc.property(windowAndNumerator, ([window, numerator, carried]) => {
      const [high, low] = limbs(numerator, carried);
      return Object.is(limbQuotient(high, low, limbDivisor(window * 1e8)), roundedQuotient(numerator, BigInt(window) * 100_000_000n));
    }),
    {numRuns: 50_000},
  );
  t.pass();
});

/** d × 2^power, rounded down: an integer near d times a (half) spacing. */
function times(d: bigint, power: number): bigint {
  return power >= 0 ? d << BigInt(power) : d >> BigInt(-power);
}

test('limbQuotient decides numerators on and a few units around the midpoints next to a float64, at every magnitude', (t) => {
  const cases = fc.integer({min: 1, max: 2 ** 19}).chain((window) => {
    // Quotients whose numerator keeps high × window ≤ 2^53, as in a window sum.
    const largest = Math.min(2 ** 52, 2 ** 85 / (window * window * 1e8));
    return fc.tuple(
      fc.constant(window),
      fc.oneof(
        fc.double({min: 4, max: largest, noNaN: true}),
        // Large quotients, whose midpoints are integer numerators: exact ties.
        fc.double({min: Math.min(2 ** 36, largest), max: largest, noNaN: true}),
        // Powers of two, where the spacing below is half the spacing above.
        fc.integer({min: 2, max: Math.floor(Math.log2(largest))}).map((k) => 2 ** k),
      ),
      fc.constantFrom(-1, 0, 1),
      fc.bigInt({min: -3n, max: 3n}),
      fc.bigInt({min: 0n, max: BigInt(window - 1)}),
    );
  });
  fc.assert(
    fc.property(cases, ([window, q, side, delta, carried]) => {
      const divisor = BigInt(window) * 100_000_000n;
      const {mantissa, exponent} = exactBinary(q);
      const bits = mantissa.toString(2).length;
      // q = mantissa × 2^exponent; the spacing above q is 2^spacing, below it half that at a power of two.
      const spacing = exponent + bits - 53;
      const belowSpacing = mantissa === 1n << BigInt(bits - 1) ? spacing - 1 : spacing;
      const product = times(mantissa * divisor, exponent);
      const midpoint = side === 1 ? times(divisor, spacing - 1) : side === -1 ? -times(divisor, belowSpacing - 1) : 0n;
      const numerator = product + midpoint + delta;
      const [high, low] = limbs(numerator, carried);
      return Object.is(limbQuotient(high, low, limbDivisor(window * 1e8)), roundedQuotient(numerator, divisor));
    }),
    {numRuns: 50_000},
  );
  t.pass();
});
