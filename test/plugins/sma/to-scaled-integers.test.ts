import test from 'ava';
import fc from 'fast-check';
import {InvalidPriceError} from '../../../plugins/sma/invalid-price-error.js';
import {type ScaledIntegers, toScaledIntegers} from '../../../plugins/sma/to-scaled-integers.js';
import {decimalFraction} from './exact-decimal-mean.js';
import {priceDecimal} from './price-arbitraries.js';

/** The counts of 1e-8 the limbs hold, or the BigInt counts scaled back to 1e-8 when exact; undefined at a gap. */
function countsOf(scaled: ScaledIntegers): (bigint | undefined)[] {
  if (scaled.kind === 'bigint') return scaled.counts.map((c) => (c === undefined ? undefined : c / 10n ** BigInt(scaled.scale - 8)));
  return Array.from(scaled.high, (h, i) => (scaled.gapsBefore[i + 1] === scaled.gapsBefore[i] ? BigInt(h) * 2n ** 32n + BigInt(scaled.low[i]!) : undefined));
}

/** The exact count of 1e-8 of a decimal with at most 8 places. */
function count(decimal: string): bigint {
  const {numerator, scale} = decimalFraction(decimal);
  return numerator * 10n ** BigInt(8 - scale);
}

test('8-decimal strings up to 1e12 become their exact counts of 1e-8 in two limbs', (t) => {
  fc.assert(
    fc.property(fc.array(priceDecimal, {maxLength: 50}), (decimals) => {
      const scaled = toScaledIntegers(decimals);
      return scaled.kind === 'limbs' && countsOf(scaled).every((c, i) => c === count(decimals[i]!)) && scaled.low.every((l) => l >= 0 && l < 2 ** 32);
    }),
    {numRuns: 2_000},
  );
  t.pass();
});

test('a float becomes the exact count of the decimal it prints as, on either side of 2^26 where decimals stop being unique', (t) => {
  const float = fc.oneof(
    priceDecimal.map(Number),
    fc.double({min: 2 ** 26 - 1, max: 2 ** 26 + 1, noNaN: true}),
    fc.integer({min: 0, max: 2 ** 40}).map((n) => n / 100),
  );
  fc.assert(
    fc.property(float, (value) => {
      const printed = String(value);
      const scaled = toScaledIntegers(Float64Array.of(value));
      const {scale} = decimalFraction(printed);
      if (scale > 8) return scaled.kind === 'bigint' && scaled.counts[0] === decimalFraction(printed).numerator * 10n ** BigInt(scaled.scale - scale);
      return countsOf(scaled)[0] === count(printed);
    }),
    {numRuns: 20_000},
  );
  // Below 2^26 floats are 2^-27 apart: 2^26 - 2^-27 is exactly the decimal it prints as, 2^26 - 2^-26 has
  // 9 decimals. Above, 2^26 + 2^-26 prints as the 8-decimal 67108864.00000001, not its binary value.
  t.deepEqual(countsOf(toScaledIntegers(Float64Array.of(2 ** 26 - 2 ** -27))), [count('67108863.99999999')]);
  t.is(toScaledIntegers(Float64Array.of(2 ** 26 - 2 ** -26)).kind, 'bigint');
  t.deepEqual(countsOf(toScaledIntegers(Float64Array.of(2 ** 26 + 2 ** -26))), [count('67108864.00000001')]);
});

test('missing values are counted, not summed: NaN and undefined leave 0 in both limbs', (t) => {
  for (const scaled of [toScaledIntegers(Float64Array.of(Number.NaN, 1.5, Number.NaN)), toScaledIntegers([undefined, '1.5', undefined])]) {
    t.is(scaled.kind, 'limbs');
    if (scaled.kind !== 'limbs') return;
    t.deepEqual(Array.from(scaled.gapsBefore), [0, 1, 1, 2]);
    t.deepEqual(Array.from(scaled.high), [0, 0, 0]);
    t.deepEqual(Array.from(scaled.low), [0, 150_000_000, 0]);
  }
});

test('values the limbs cannot hold are kept exactly as BigInt, at the finest scale present', (t) => {
  const scaled = toScaledIntegers(['1.5', '0.123456789', '-2', '1e-12', '1234567890123456.5', undefined]);
  t.like(scaled, {kind: 'bigint', scale: 12});
  if (scaled.kind !== 'bigint') return;
  t.deepEqual(scaled.counts, [1_500_000_000_000n, 123_456_789_000n, -2_000_000_000_000n, 1n, 1_234_567_890_123_456_500_000_000_000n, undefined]);
});

test('what is no finite decimal is refused with its slot and value', (t) => {
  const error = t.throws(() => toScaledIntegers(Float64Array.of(1, Number.NEGATIVE_INFINITY)), {instanceOf: InvalidPriceError});
  t.like(error, {index: 1, value: '-Infinity'});
  t.throws(() => toScaledIntegers(['1', '2', '3', '4e']), {instanceOf: InvalidPriceError, message: 'price at slot 3 is not a finite decimal number: "4e"'});
});
