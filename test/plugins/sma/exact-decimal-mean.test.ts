import test from 'ava';
import fc from 'fast-check';
import {decimalFraction, exactDecimalMean, roundedQuotient} from './exact-decimal-mean.js';

// The reference must be right before anything is checked against it.

const TWO_53 = 2n ** 53n;

test('the reference rounds hand-made ties to the even neighbour and everything else to the nearest', (t) => {
  t.is(roundedQuotient(TWO_53 + 1n, 1n), 2 ** 53, '2^53 + 1: tie, 2^53 is even');
  t.is(roundedQuotient(TWO_53 + 3n, 1n), 2 ** 53 + 4, '2^53 + 3: tie, 2^53 + 4 is even');
  t.is(roundedQuotient(2n * TWO_53 + 2n, 2n), 2 ** 53, '(2^54 + 2) / 2 = 2^53 + 1: tie');
  t.is(roundedQuotient(2n * TWO_53 + 3n, 2n), 2 ** 53 + 2, '2^53 + 1.5: above the midpoint');
  t.is(roundedQuotient((2n * TWO_53 + 2n) * 3n + 1n, 6n), 2 ** 53 + 2, '2^53 + 1 + 1/6: the sticky bit carries the remainder');
  t.is(roundedQuotient((2n * TWO_53 + 2n) * 3n - 1n, 6n), 2 ** 53, '2^53 + 1 - 1/6: below the midpoint');
  t.is(roundedQuotient(2n * TWO_53 - 1n, 2n), 2 ** 53, '2^53 - 0.5: tie across a power of two, 2^53 is even');
  t.is(roundedQuotient(2n * TWO_53 + 1n, 2n), 2 ** 53, '2^53 + 0.5: below the midpoint, the spacing above 2^53 is 2');
  t.is(roundedQuotient(TWO_53 + 1n, TWO_53), 1, '1 + 2^-53: tie');
  t.is(roundedQuotient(TWO_53 + 3n, TWO_53), 1 + 2 ** -51, '1 + 3 × 2^-53: tie, the even one is above');
  t.is(roundedQuotient(1n, 3n), 1 / 3);
  t.is(roundedQuotient(-7n, 10n), -0.7);
  t.is(exactDecimalMean(['9007199254740993', '9007199254740997']), 2 ** 53 + 4, 'mean 2^53 + 3: tie');
  t.is(exactDecimalMean(['0.1', '0.2']), 0.15);
  t.is(exactDecimalMean(['1e-7', '3E-8']), 6.5e-8);
  t.true(Number.isNaN(exactDecimalMean(['1', undefined])));
});

test('the reference parses decimal strings exactly', (t) => {
  t.deepEqual(decimalFraction('191411.11707'), {numerator: 19141111707n, scale: 5});
  t.deepEqual(decimalFraction('-0.001'), {numerator: -1n, scale: 3});
  t.deepEqual(decimalFraction('1.5e+3'), {numerator: 1500n, scale: 0});
  t.deepEqual(decimalFraction('25e-10'), {numerator: 25n, scale: 10});
});

/** Decimals of at most 20 significant digits: ECMAScript requires `Number(string)` to round those correctly. */
const shortDecimal = fc.tuple(fc.bigInt({min: 1n, max: 10n ** 20n - 1n}), fc.integer({min: -30, max: 30})).map(([digits, exponent]) => `${digits}e${exponent}`);

test('the reference agrees with Number(string), correctly rounded by the language, on single decimals', (t) => {
  fc.assert(
    fc.property(shortDecimal, (decimal) => Object.is(exactDecimalMean([decimal]), Number(decimal))),
    {numRuns: 20_000},
  );
  t.pass();
});

test('the reference agrees with Number(string) on means that are finite decimals (windows dividing a power of ten)', (t) => {
  const window = fc.constantFrom(1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 100, 125, 200, 250, 400, 500, 625, 1000);
  fc.assert(
    fc.property(
      window.chain((w) =>
        fc.tuple(fc.constant(w), fc.array(fc.bigInt({min: 1n, max: 10n ** 14n}), {minLength: w, maxLength: w}), fc.integer({min: 0, max: 8})),
      ),
      ([w, counts, places]) => {
        const decimals = counts.map((c) => `${c}e-${places}`);
        const sum = counts.reduce((a, b) => a + b, 0n);
        // sum / w = sum × (10^4 / w) / 10^4 exactly, for every w above.
        const mean = `${(sum * 10_000n) / BigInt(w)}e-${places + 4}`;
        return Object.is(exactDecimalMean(decimals), Number(mean));
      },
    ),
    {numRuns: 500},
  );
  t.pass();
});
