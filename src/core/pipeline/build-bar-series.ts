import {type Candle, exactDecimal} from '../contracts/candle.js';
import type {Resolution} from '../contracts/resolution.js';
import type {BarSeries} from '../contracts/transform.js';

/**
 * Lays ascending candles on the regular grid `start, start + step, ...` up to the last candle. Slots with
 * no candle stay NaN, so a hole in the source is visible to every transform instead of being skipped.
 */
export function buildBarSeries(pair: string, resolution: Resolution, start: number, step: number, candles: readonly Candle[]): BarSeries {
  const last = candles.at(-1);
  const length = last ? (last.timestamp - start) / step + 1 : 0;
  const column = () => new Float64Array(length).fill(Number.NaN);
  const series = {pair, resolution, start, step, length, open: column(), high: column(), low: column(), close: column(), volume: column(), fields: new Map()};
  for (const candle of candles) {
    const slot = (candle.timestamp - start) / step;
    if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`candle ${candle.timestamp} is not on the grid starting ${start} every ${step}s`);
    series.open[slot] = candle.open;
    series.high[slot] = candle.high;
    series.low[slot] = candle.low;
    series.close[slot] = candle.close;
    series.volume[slot] = candle.volume;
  }
  if (!candles.some((candle) => candle.exact?.close !== undefined)) return series;
  const closeDecimals: (string | undefined)[] = new Array(length).fill(undefined);
  for (const candle of candles) closeDecimals[(candle.timestamp - start) / step] = exactDecimal(candle, 'close');
  return {...series, closeDecimals};
}
