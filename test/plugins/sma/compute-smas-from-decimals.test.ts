import test from 'ava';
import fc from 'fast-check';
import {computeSmasFromDecimals} from '../../../plugins/sma/compute-sma.js';
import {InvalidPriceError} from '../../../plugins/sma/invalid-price-error.js';
import {countToDecimal, exactDecimalMean, firstDifference, referenceSma, sameBytes} from './exact-decimal-mean.js';
import {priceSeries, windowAndSeries, windowSize} from './price-arbitraries.js';

test('every mean is the exact decimal mean rounded once, for prices from 1e-8 to 1e12 with up to 8 decimals, windows 1 to 1,000 and missing values', (t) => {
  fc.assert(
    fc.property(windowAndSeries, ([window, decimals]) => {
      const [sma] = computeSmasFromDecimals(decimals, [window]);
      const difference = firstDifference(sma!, referenceSma(decimals, window));
      if (difference) throw new Error(`window ${window}, ${difference}`);
    }),
    {numRuns: 400},
  );
  t.pass();
});

test('several windows at once give each window the same bytes as alone', (t) => {
  fc.assert(
    fc.property(fc.array(windowSize, {minLength: 1, maxLength: 4}), fc.integer({min: 0, max: 1100}).chain(priceSeries), (windows, decimals) => {
      const together = computeSmasFromDecimals(decimals, windows);
      return windows.every((w, k) => sameBytes(together[k]!, computeSmasFromDecimals(decimals, [w])[0]!) && sameBytes(together[k]!, referenceSma(decimals, w)));
    }),
    {numRuns: 60},
  );
  t.pass();
});

/**
 * A window whose exact mean is the midpoint K × 2^(E-53) (K odd, 2^53 < K < 2^54) between two float64
 * neighbours, plus `delta` counts of 1e-8 in the sum: the values are spread around the mean and the last
 * one makes the sum exact. The mean is a multiple of 1e-8 / window only when 2^(53-E) divides
 * window × 1e8, so E ≥ 45 − (twos in window): prices from about 7e10.
 */
function windowWithMean(k: bigint, e: number, window: number, noise: readonly bigint[], delta: bigint): string[] {
  const numerator = k * BigInt(window) * 100_000_000n;
  const denominator = 2n ** BigInt(53 - e);
  if (numerator % denominator !== 0n) throw new Error(`no window of ${window} has the mean ${k} × 2^${e - 53}`);
  const total = numerator / denominator + delta;
  const mean = total / BigInt(window);
  const counts = noise.map((n) => mean + n);
  counts.push(total - counts.reduce((a, b) => a + b, 0n));
  if (counts.some((c) => c <= 0n)) throw new Error('the construction needs positive prices');
  return counts.map((c) => countToDecimal(c));
}

/** The float64 with 53-bit mantissa m (2^52 ≤ m ≤ 2^53) and spacing 2^(e-52). */
function float(mantissa: bigint, e: number): number {
  return Number(mantissa) * 2 ** (e - 52);
}

const tie = fc.constantFrom(64, 128, 256, 512, 640, 768, 960, 1000).chain((window) => {
  const twos = 31 - Math.clz32(window & -window);
  return fc.tuple(
    fc.constant(window),
    fc.integer({min: 45 - twos, max: 42}),
    fc.oneof(
      fc.bigInt({min: 2n ** 52n, max: 2n ** 53n - 1n}).map((m) => 2n * m + 1n),
      fc.constantFrom(2n ** 53n + 1n, 2n ** 54n - 1n),
    ),
    fc.array(fc.bigInt({min: -(10n ** 10n), max: 10n ** 10n}), {minLength: window - 1, maxLength: window - 1}),
  );
});

test('a mean exactly between two float64 values rounds to the even one; one count of 1e-8 either side decides it', (t) => {
  let ties = 0;
  fc.assert(
    fc.property(tie, ([window, e, k, noise]) => {
      const lower = float((k - 1n) / 2n, e);
      const upper = float((k + 1n) / 2n, e);
      const even = ((k - 1n) / 2n) % 2n === 0n ? lower : upper;
      for (const [delta, expected] of [
        [0n, even],
        [-1n, lower],
        [1n, upper],
      ] as const) {
        const decimals = windowWithMean(k, e, window, noise, delta);
        const [sma] = computeSmasFromDecimals(decimals, [window]);
        const reference = exactDecimalMean(decimals);
        if (!Object.is(sma![window - 1], expected) || !Object.is(reference, expected)) {
          throw new Error(
            `window ${window}, mean ${k} × 2^${e - 53} ${delta === 0n ? '' : `+ ${delta}e-8 / ${window}`}: ${sma![window - 1]}, reference ${reference}, expected ${expected}`,
          );
        }
      }
      ties++;
    }),
    {numRuns: 300},
  );
  t.true(ties >= 300);
});

test('the same bytes whether a range is computed in one run or cut into pieces, each with its look-back, whichever path each piece takes', (t) => {
  const cutSeries = fc.tuple(fc.array(windowSize, {minLength: 1, maxLength: 3}), fc.integer({min: 1, max: 1500})).chain(([windows, length]) =>
    fc.tuple(
      fc.constant(windows),
      priceSeries(length),
      fc.array(fc.integer({min: 1, max: length}), {maxLength: 6}),
      // Missing values, and values only the BigInt path holds: pieces with and without one must agree.
      fc.array(fc.tuple(fc.nat({max: length - 1}), fc.constantFrom(undefined, '0.123456789012', '1234567890123456789.5')), {maxLength: 2}),
    ),
  );
  fc.assert(
    fc.property(cutSeries, ([windows, series, cuts, replacements]) => {
      const decimals: (string | undefined)[] = [...series];
      for (const [at, value] of replacements) decimals[at] = value;
      const n = decimals.length;
      const whole = computeSmasFromDecimals(decimals, windows);
      const lookBack = Math.max(...windows) - 1;
      const bounds = [...new Set([0, ...cuts, n])].sort((a, b) => a - b);
      const pieces = windows.map(() => new Float64Array(n));
      for (let p = 0; p + 1 < bounds.length; p++) {
        const [from, to] = [bounds[p]!, bounds[p + 1]!];
        const start = Math.max(0, from - lookBack);
        const part = computeSmasFromDecimals(decimals.slice(start, to), windows);
        for (const [k, piece] of pieces.entries()) piece.set(part[k]!.subarray(from - start), from);
      }
      return windows.every((_, k) => sameBytes(pieces[k]!, whole[k]!));
    }),
    {numRuns: 150},
  );
  t.pass();
});

test('a missing value leaves exactly the windows that cover it without a mean (NaN, never 0 or a partial mean)', (t) => {
  const decimals = Array.from({length: 40}, (_, i): string | undefined => `${100 + i}.5`);
  decimals[10] = undefined;
  decimals[25] = undefined;
  const [sma] = computeSmasFromDecimals(decimals, [5]);
  for (let i = 0; i < 40; i++) {
    const covers = i < 4 || (i >= 10 && i < 15) || (i >= 25 && i < 30);
    t.is(Number.isNaN(sma![i]!), covers, `slot ${i}`);
  }
  t.is(sma![15], (111.5 + 112.5 + 113.5 + 114.5 + 115.5) / 5);
});

test('values the limbs cannot hold are exact too: more than 8 decimals, more than 15 whole digits, exponents, zero and negatives', (t) => {
  const unusual = fc.oneof(
    fc.tuple(fc.bigInt({min: 1n, max: 10n ** 24n}), fc.integer({min: 0, max: 20})).map(([digits, places]) => {
      const text = digits.toString().padStart(places + 1, '0');
      return places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
    }),
    fc.tuple(fc.bigInt({min: 1n, max: 10n ** 12n}), fc.integer({min: -30, max: 12})).map(([digits, exponent]) => `${digits}e${exponent}`),
    fc.constantFrom('0', '-1.25', '0.000000001', '1234567890123456789.5'),
  );
  fc.assert(
    fc.property(
      windowSize,
      fc
        .integer({min: 0, max: 300})
        .chain((n) => fc.tuple(priceSeries(n), fc.array(fc.tuple(fc.nat({max: Math.max(0, n - 1)}), unusual), {minLength: 1, maxLength: 4}))),
      (window, [series, replacements]) => {
        const decimals = [...series];
        for (const [at, value] of replacements) if (at < decimals.length) decimals[at] = value;
        const [sma] = computeSmasFromDecimals(decimals, [window]);
        const difference = firstDifference(sma!, referenceSma(decimals, window));
        if (difference) throw new Error(`window ${window}, ${difference}`);
      },
    ),
    {numRuns: 200},
  );
  t.pass();
});

test('windows whose limb sums would pass 2^53 (prices near 1e15 over 1,000 bars) are exact too', (t) => {
  fc.assert(
    fc.property(fc.array(fc.bigInt({min: 9n * 10n ** 22n, max: 10n ** 23n - 1n}), {minLength: 1003, maxLength: 1003}), (counts) => {
      const decimals = counts.map((c) => countToDecimal(c));
      const [sma] = computeSmasFromDecimals(decimals, [1000]);
      return firstDifference(sma!, referenceSma(decimals, 1000)) === undefined;
    }),
    {numRuns: 5},
  );
  t.pass();
});

test('trailing zeros beyond the 8th decimal change nothing', (t) => {
  const plain = computeSmasFromDecimals(['191411.11707', '999999999999.12345678', '0.00000001'], [1, 2, 3]);
  const padded = computeSmasFromDecimals(['191411.117070000000', '999999999999.1234567800', '0.0000000100000'], [1, 2, 3]);
  for (const [k, column] of plain.entries()) t.true(sameBytes(column, padded[k]!));
  t.is(plain[0]![1], 999999999999.1234);
});

test('a string that is no finite decimal is refused with its slot and value, never approximated', (t) => {
  for (const bad of ['', 'abc', '1.', '.5', '1e', '+1', ' 1', '1,5', 'Infinity', 'NaN', '0x10', '1e-500']) {
    const error = t.throws(() => computeSmasFromDecimals(['1', '2', bad], [2]), {instanceOf: InvalidPriceError});
    t.is(error?.index, 2, bad);
    t.is(error?.value, bad);
    t.true(error?.message.includes(JSON.stringify(bad)), error?.message);
  }
});

test('windows are checked as for computeSmas', (t) => {
  t.throws(() => computeSmasFromDecimals(['1'], [0]), {instanceOf: RangeError, message: /positive integer, got 0/});
});

test('the window sums of prices from 1e-8 to 1e12 stay exact at 1e12 over 1,000 bars: a hand-checked mean', (t) => {
  const decimals = Array.from({length: 1000}, (_, i) => countToDecimal(99_999_999_999_912_345_678n + BigInt(i)));
  const [sma] = computeSmasFromDecimals(decimals, [1000]);
  // Exact mean 999999999999.12345678 + 499.5e-8 = 999999999999.123461775; the float64 nearest to it:
  t.is(sma![999], 999999999999.1234);
  t.is(sma![999], Number('999999999999.123461775'));
});
