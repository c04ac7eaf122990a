import test from 'ava';
import fc from 'fast-check';
import {parseJsonBody, parseLegacyCandles, parseV4Candles} from '../../../plugins/mercado-bitcoin/parse-candles.js';
import {SmaTransform} from '../../../plugins/sma/sma-transform.js';
import {buildBarSeries} from '../../../src/core/pipeline/build-bar-series.js';
import {firstDifference, referenceSma} from './exact-decimal-mean.js';
import {windowAndSeries} from './price-arbitraries.js';

const DAY = 86_400;
const START = Date.UTC(2021, 0, 1) / 1000;

/** The v4 body the exchange would send for these closes (undefined: a day it has no candle for). */
function v4Body(closes: readonly (string | undefined)[]): Record<string, unknown[]> {
  const days = closes.flatMap((close, i) => (close === undefined ? [] : [{t: START + i * DAY, close}]));
  const column = () => days.map((d) => d.close);
  return {t: days.map((d) => d.t), o: column(), h: column(), l: column(), c: column(), v: days.map(() => '1')};
}

/** The same days in the legacy shape, each close written as a JSON number with every digit of its decimal. */
function legacyText(closes: readonly (string | undefined)[]): string {
  const bars = closes.flatMap((close, i) =>
    close === undefined ? [] : [`{"timestamp":${START + i * DAY},"open":${close},"high":${close},"low":${close},"close":${close},"volume":1}`],
  );
  return `{"status_code":100,"candles":[${bars.join(',')}]}`;
}

/** The window's average of each day of `closes` from slot `from` on, as one run that starts there with its look-back. */
function averagesFrom(body: Record<string, unknown[]>, window: number, from: number): Float64Array {
  const candles = parseV4Candles(body, DAY).filter((c) => c.timestamp >= START + (from - window + 1) * DAY);
  const first = Math.max(0, from - window + 1);
  const series = buildBarSeries('BRLBTC', '1d', START + first * DAY, DAY, candles);
  return new SmaTransform([window])
    .apply(series)
    .get(`mms_${window}`)!
    .subarray(from - first);
}

test('from the exchange body to the averages, each is the exact decimal mean rounded once, at prices from 1e-8 to 1e12, in either API shape', (t) => {
  fc.assert(
    fc.property(windowAndSeries, ([window, closes]) => {
      const expected = referenceSma(closes, window);
      for (const [shape, candles] of [
        ['v4', parseV4Candles(v4Body(closes), DAY)],
        ['legacy', parseLegacyCandles(parseJsonBody(legacyText(closes), {exactNumbers: true}), DAY)],
      ] as const) {
        const series = buildBarSeries('BRLBTC', '1d', START, DAY, candles);
        const actual = new SmaTransform([window]).apply(series).get(`mms_${window}`)!;
        const difference = firstDifference(actual, expected.subarray(0, actual.length));
        if (difference) throw new Error(`${shape}, window ${window}: ${difference}`);
      }
    }),
    {numRuns: 300},
  );
  t.pass();
});

test('a range written in several runs (each with its look-back) gets the same bytes as in one run, at any price', (t) => {
  fc.assert(
    fc.property(
      windowAndSeries.filter(([, closes]) => closes.length > 0),
      fc.nat(),
      ([window, closes], cut) => {
        const body = v4Body(closes);
        const whole = averagesFrom(body, window, 0);
        const from = cut % closes.length;
        const piece = averagesFrom(body, window, from);
        const difference = firstDifference(piece, whole.subarray(from, from + piece.length));
        if (difference) throw new Error(`window ${window}, run from slot ${from}: ${difference}`);
      },
    ),
    {numRuns: 300},
  );
  t.pass();
});
