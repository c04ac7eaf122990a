import test from 'ava';
import fc from 'fast-check';
import {bigintQuotient} from '../../../plugins/sma/bigint-quotient.js';
import {roundedQuotient} from './exact-decimal-mean.js';

test('bigintQuotient is correctly rounded for quotients in the normal range, either sign', (t) => {
  fc.assert(
    fc.property(fc.bigInt({min: -(2n ** 300n), max: 2n ** 300n}), fc.bigInt({min: 1n, max: 2n ** 200n}), (numerator, denominator) =>
      Object.is(bigintQuotient(numerator, denominator), roundedQuotient(numerator, denominator)),
    ),
    {numRuns: 20_000},
  );
  t.is(bigintQuotient(0n, 7n), 0);
  t.is(bigintQuotient(2n ** 54n + 2n, 2n), 2 ** 53, '2^53 + 1: tie, 2^53 is even');
  t.is(bigintQuotient(2n ** 54n + 6n, 2n), 2 ** 53 + 4, '2^53 + 3: tie, 2^53 + 4 is even');
  t.is(bigintQuotient(-(2n ** 54n + 6n), 2n), -(2 ** 53 + 4));
  t.is(bigintQuotient(2n ** 60n + 3n * 2n ** 7n, 2n ** 60n), 1 + 2 ** -51, '1 + 3 × 2^-53 with a denominator past 2^53: tie');
});

test('bigintQuotient of an integer is Number(integer), up to and past the largest float64', (t) => {
  fc.assert(
    fc.property(fc.bigInt({min: 1n, max: 2n ** 1100n}), (integer) => Object.is(bigintQuotient(integer, 1n), Number(integer))),
    {numRuns: 5_000},
  );
  const max = 2n ** 1024n - 2n ** 971n;
  t.is(bigintQuotient(max, 1n), Number.MAX_VALUE);
  t.is(bigintQuotient(max + 2n ** 970n - 1n, 1n), Number.MAX_VALUE, 'below the midpoint to 2^1024');
  t.is(bigintQuotient(max + 2n ** 970n, 1n), Number.POSITIVE_INFINITY, 'the midpoint: ties to even overflow');
});

test('bigintQuotient rounds subnormal quotients at their own precision, ties to even', (t) => {
  const tiny = 2n ** 1074n;
  t.is(bigintQuotient(1n, tiny), Number.MIN_VALUE);
  t.is(bigintQuotient(1n, 2n * tiny), 0, 'half the smallest subnormal: tie, 0 is even');
  t.is(bigintQuotient(3n, 2n * tiny), 2 * Number.MIN_VALUE, '1.5 × the smallest: tie, 2 is even');
  t.is(bigintQuotient(1n, 3n * tiny), 0);
  t.is(bigintQuotient(2n, 3n * tiny), Number.MIN_VALUE);
  t.is(bigintQuotient(2n ** 53n - 1n, 2n * tiny), 2 ** -1022, '(2^52 − ½) × 2^-1074: tie, 2^-1022 is even');
  t.is(bigintQuotient(-3n, 2n * tiny), -2 * Number.MIN_VALUE);
  // Multiplying an exact integer by a representable power of two rounds once, correctly.
  fc.assert(
    fc.property(fc.bigInt({min: 1n, max: 2n ** 53n}), fc.integer({min: 1000, max: 1074}), (integer, k) =>
      Object.is(bigintQuotient(integer, 2n ** BigInt(k)), Number(integer) * 2 ** -k),
    ),
    {numRuns: 5_000},
  );
});
