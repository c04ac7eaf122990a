import test from 'ava';
import fc from 'fast-check';
import {computeSma, computeSmas} from '../../../plugins/sma/compute-sma.js';
import {InvalidPriceError} from '../../../plugins/sma/invalid-price-error.js';
import {exactMean, recordedDays, relativeError} from '../../helpers/recorded-closes.js';
import {firstDifference, referenceSma, sameBytes} from './exact-decimal-mean.js';
import {asFloats, floatDecimals, priceSeries, windowAndSeries, windowSize} from './price-arbitraries.js';

for (const pair of ['BRLBTC', 'BRLETH'] as const) {
  test(`computeSma matches exact decimal means of the recorded ${pair} closes within 1e-9 for windows 20, 50 and 200`, (t) => {
    const days = recordedDays(pair);
    const closes = Float64Array.from(days, (d) => Number(d.close));
    let compared = 0;
    for (const window of [20, 50, 200]) {
      const sma = computeSma(closes, window);
      for (let i = window - 1; i < days.length; i++) {
        const expected = exactMean(days.slice(i - window + 1, i + 1).map((d) => d.close));
        const error = relativeError(sma[i]!, expected);
        if (error > 1e-9) t.fail(`${pair} mms_${window} on day ${i}: ${sma[i]} vs exact ${expected} (relative error ${error})`);
        compared++;
      }
    }
    t.is(compared, 3 * days.length - (19 + 49 + 199));
  });
}

test('computeSma includes the current day: the first value is the mean of the first window', (t) => {
  const sma = computeSma(Float64Array.of(1, 2, 3, 4), 3);
  t.true(Number.isNaN(sma[0]!));
  t.true(Number.isNaN(sma[1]!));
  t.is(sma[2], 2);
  t.is(sma[3], 3);
});

test('computeSma gives no value (NaN, never 0 or a partial mean) until 200 closes exist: first mms_200 on the 200th recorded day', (t) => {
  const days = recordedDays('BRLBTC');
  const sma = computeSma(
    Float64Array.from(days, (d) => Number(d.close)),
    200,
  );
  t.true(sma.subarray(0, 199).every((v) => Number.isNaN(v)));
  t.is(new Date(days[199]!.timestamp * 1000).toISOString().slice(0, 10), '2020-07-18');
  const expected = exactMean(days.slice(0, 200).map((d) => d.close));
  t.true(relativeError(sma[199]!, expected) < 1e-9, `${sma[199]} vs ${expected}`);
});

test('computeSma leaves every window that covers a missing close without a value, and recovers after it', (t) => {
  const days = recordedDays('BRLETH');
  const closes = Float64Array.from(days, (d) => Number(d.close));
  const hole = 300;
  closes[hole] = Number.NaN;
  const window = 20;
  const sma = computeSma(closes, window);
  t.false(Number.isNaN(sma[hole - 1]!));
  for (let i = hole; i < hole + window; i++) t.true(Number.isNaN(sma[i]!), `day ${i} covers the hole`);
  const after = hole + window;
  t.true(relativeError(sma[after]!, exactMean(days.slice(after - window + 1, after + 1).map((d) => d.close))) < 1e-9);
});

test('computeSma of 8-decimal prices does not depend on where the series starts: the same bytes from any run or page', (t) => {
  const days = recordedDays('BRLBTC');
  const closes = Float64Array.from(days, (d) => Number(d.close));
  const whole = computeSmas(closes, [20, 50, 200]);
  for (const offset of [1, 7, 199, 350]) {
    const part = computeSmas(closes.subarray(offset), [20, 50, 200]);
    [20, 50, 200].forEach((w, k) => {
      for (let i = offset + w - 1; i < closes.length; i++) {
        if (!Object.is(part[k]![i - offset], whole[k]![i])) {
          t.fail(`mms_${w} of day ${i} differs when the series starts at ${offset}: ${part[k]![i - offset]} vs ${whole[k]![i]}`);
          return;
        }
      }
    });
  }
  t.pass();
});

test('computeSma is exact for prices whose window sums exceed 2^53 in units of 1e-8', (t) => {
  const decimals = Array.from({length: 600}, (_, i) => (1_900_000 + ((i * 7919) % 100_000) / 7).toFixed(8));
  const sma = computeSma(Float64Array.from(decimals, Number), 200);
  t.true(1_900_000 * 1e8 * 200 > 2 ** 53, 'the case needs more than one float64 of integer precision');
  for (let i = 199; i < 600; i++) {
    const expected = exactMean(decimals.slice(i - 199, i + 1));
    t.true(relativeError(sma[i]!, expected) < 1e-15, `slot ${i}: ${sma[i]} vs ${expected}`);
  }
});

test('computeSma of values with more than 8 decimals stays within 1e-9 even when they collapse a million-fold', (t) => {
  const decimals = Array.from({length: 4000}, (_, i) => (i < 2000 ? 400_000 + i / 3 : 0.0004 + i / 3e9).toFixed(12));
  const sma = computeSma(Float64Array.from(decimals, Number), 200);
  for (const i of [199, 1999, 2100, 2199, 2200, 2500, 3999]) {
    const expected = exactMean(decimals.slice(i - 199, i + 1));
    t.true(relativeError(sma[i]!, expected) < 1e-9, `slot ${i}: ${sma[i]} vs ${expected}`);
  }
});

test('computeSma stays exact over a million closes (the running sum does not drift)', (t) => {
  const n = 1_000_000;
  const decimals: string[] = [];
  let seed = 42;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    // ~430,000 for half a million bars, then a collapse to ~0.0004: a naive running sum keeps the error of
    // the large values and ends far off the small ones.
    const price = i < n / 2 ? 400_000 + (seed % 3_000_000_000_000) / 1e8 : 0.0001 + (seed % 50_000) / 1e8;
    decimals.push(price.toFixed(8));
  }
  const closes = Float64Array.from(decimals, Number);
  const window = 200;
  const sma = computeSma(closes, window);
  for (const i of [window - 1, 1023, 1024, n / 2 + window, 777_777, n - 1]) {
    const expected = exactMean(decimals.slice(i - window + 1, i + 1));
    t.true(relativeError(sma[i]!, expected) < 1e-9, `slot ${i}: ${sma[i]} vs ${expected}`);
  }
});

test('computeSma with a window of 1 returns the closes themselves', (t) => {
  const closes = Float64Array.of(5.5, Number.NaN, 7.25);
  const sma = computeSma(closes, 1);
  t.is(sma[0], 5.5);
  t.true(Number.isNaN(sma[1]!));
  t.is(sma[2], 7.25);
});

test('computeSma rejects a window that is not a positive integer', (t) => {
  t.throws(() => computeSma(new Float64Array(3), 0), {instanceOf: RangeError, message: /positive integer, got 0/});
  t.throws(() => computeSma(new Float64Array(3), 2.5), {instanceOf: RangeError});
});

test('computeSma agrees with a direct per-slot mean wherever missing bars fall, block boundaries included', (t) => {
  const n = 5000;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = 1000 + ((i * 7919) % 997) / 7;
  for (const hole of [0, 19, 20, 1043, 1044, 1045, 2067, 2068, 3000, 3001, 4999]) values[hole] = Number.NaN;
  for (const window of [1, 3, 20, 200, 1500]) {
    const sma = computeSma(values, window);
    for (let i = 0; i < n; i++) {
      const slice = i >= window - 1 ? Array.from(values.subarray(i - window + 1, i + 1)) : [Number.NaN];
      const expected = slice.some(Number.isNaN) ? Number.NaN : slice.reduce((a, b) => a + b, 0) / window;
      if (Number.isNaN(expected) !== Number.isNaN(sma[i]!) || (!Number.isNaN(expected) && Math.abs(sma[i]! - expected) / expected > 1e-12)) {
        t.fail(`window ${window}, slot ${i}: ${sma[i]} vs ${expected}`);
        return;
      }
    }
  }
  t.pass();
});

test('computeSma keeps a window without a value for as long as a missing bar is in it, across blocks and windows longer than a block', (t) => {
  const n = 6000;
  const values = Float64Array.from({length: n}, (_, i) => 50 + (i % 13));
  values[250] = Number.NaN; // inside the first window of 300 slots: every later block starts with it in the window
  values[2000] = Number.NaN; // in windows of 1500 slots for three blocks of 1024
  for (const window of [300, 1500]) {
    const sma = computeSma(values, window);
    for (let i = window - 1; i < n; i++) {
      const covered = [250, 2000].some((hole) => hole <= i && i < hole + window);
      if (Number.isNaN(sma[i]!) !== covered) {
        t.fail(`window ${window}, slot ${i}: ${sma[i]} but a hole is ${covered ? '' : 'not '}in the window`);
        return;
      }
    }
    t.true(Number.isNaN(sma[2000 + window - 1]!));
    t.is(sma[2000 + window], Array.from(values.subarray(2001, 2001 + window)).reduce((a, b) => a + b, 0) / window);
  }
});

test('computeSma of float prices is the exact mean of the decimals they print as, rounded once, at any magnitude up to 1e12', (t) => {
  fc.assert(
    fc.property(windowAndSeries, ([window, decimals]) => {
      const closes = asFloats(decimals);
      const difference = firstDifference(computeSma(closes, window), referenceSma(floatDecimals(closes), window));
      if (difference) throw new Error(`window ${window}, ${difference}`);
    }),
    {numRuns: 300},
  );
  t.pass();
});

test('computeSma of floats with more than 8 decimals is exact too (the decimal each prints as), not approximated', (t) => {
  const anyDouble = fc.oneof(
    fc.double({min: 1e-8, max: 1e12, noNaN: true}),
    fc.double({min: 1e-8, max: 1, noNaN: true}),
    fc.constantFrom(0.1, 0.123456789, 1 / 3),
  );
  fc.assert(
    fc.property(windowSize, fc.array(anyDouble, {maxLength: 400}), (window, values) => {
      const closes = Float64Array.from(values);
      const difference = firstDifference(computeSma(closes, window), referenceSma(floatDecimals(closes), window));
      if (difference) throw new Error(`window ${window}, ${difference}`);
    }),
    {numRuns: 100},
  );
  t.is(computeSma(Float64Array.of(0.1, 0.2), 2)[1], 0.15);
  t.is(computeSma(Float64Array.of(0.123456789, 0.123456788), 2)[1], 0.1234567885);
});

test('computeSma of float prices gives the same bytes in one run or cut into pieces, each with its look-back', (t) => {
  fc.assert(
    fc.property(windowSize, fc.integer({min: 1, max: 1200}).chain(priceSeries), fc.array(fc.nat(), {maxLength: 5}), (window, decimals, cuts) => {
      const closes = asFloats(decimals);
      const n = closes.length;
      const whole = computeSma(closes, window);
      const pieced = new Float64Array(n);
      const bounds = [...new Set([0, ...cuts.map((c) => c % n), n])].sort((a, b) => a - b);
      for (let p = 0; p + 1 < bounds.length; p++) {
        const start = Math.max(0, bounds[p]! - window + 1);
        pieced.set(computeSma(closes.slice(start, bounds[p + 1]), window).subarray(bounds[p]! - start), bounds[p]!);
      }
      return sameBytes(pieced, whole);
    }),
    {numRuns: 150},
  );
  t.pass();
});

test('computeSma rounds a mean exactly between two float64 values to the even one (integer prices near 2^44)', (t) => {
  // Floats near 2^44 are 2^-8 apart. 512 closes of 2^44 + 1 with `extra` of them one higher average to
  // 2^44 + 1 + extra × 2^-9: a tie for every odd `extra`.
  const window = 512;
  const base = 2 ** 44;
  const mean = (extra: number) => {
    const closes = new Float64Array(window).fill(base + 1);
    closes.fill(base + 2, 0, extra);
    return computeSma(closes, window)[window - 1];
  };
  t.is(mean(1), base + 1, '2^44 + 1 + 2^-9: tie, 2^44 + 1 has the even mantissa');
  t.is(mean(3), base + 1 + 2 ** -7, '2^44 + 1 + 3 × 2^-9: tie, 2^44 + 1 + 2^-7 has the even mantissa');
  t.is(mean(2), base + 1 + 2 ** -8, 'no tie: exact');
  for (const extra of [5, 7, 255, 256, 257, 511]) {
    // (2^44 + 1) × 512 + extra is between 2^53 and 2^54: Number() of it rounds to even, like the mean.
    t.is(mean(extra), Number(BigInt(base + 1) * 512n + BigInt(extra)) / 512, `+${extra} × 2^-9`);
  }
});

test('computeSma refuses an infinite close with its slot, rather than averaging it', (t) => {
  const error = t.throws(() => computeSma(Float64Array.of(1, 2, Number.POSITIVE_INFINITY), 2), {instanceOf: InvalidPriceError});
  t.is(error?.index, 2);
  t.is(error?.value, 'Infinity');
});
