import type {Candle} from '../contracts/candle.js';
import type {MmsRecord} from '../contracts/record.js';
import type {Resolution} from '../contracts/resolution.js';
import type {Transform} from '../contracts/transform.js';
import {buildBarSeries} from './build-bar-series.js';

export interface RecordGrid {
  readonly pair: string;
  readonly resolution: Resolution;
  /** Bar length in seconds. */
  readonly step: number;
  /** First bar to write: the look-back before it only feeds the windows. */
  readonly from: number;
  /** The bar `candles` start from: slot 0 of every column. */
  readonly gridStart: number;
}

/**
 * The records of the `fresh` candles from `grid.from` on: the close and every transform's fields, NaN
 * becoming null (a window without its history has no value, never 0). `candles` are the bars the windows
 * reach back to, `fresh` among them; the transforms run over their regular grid in order, each seeing the
 * columns of those before it.
 */
export function buildRecords(grid: RecordGrid, transforms: readonly Transform[], candles: readonly Candle[], fresh: readonly Candle[]): MmsRecord[] {
  const series = buildBarSeries(grid.pair, grid.resolution, grid.gridStart, grid.step, candles);
  const fields = series.fields as Map<string, Float64Array>;
  for (const transform of transforms) {
    for (const [name, column] of transform.apply(series)) fields.set(name, column);
  }
  const columns = [...fields];
  const records: MmsRecord[] = [];
  for (const candle of fresh) {
    if (candle.timestamp < grid.from) continue;
    const slot = (candle.timestamp - grid.gridStart) / grid.step;
    const record: Record<string, string | number | null> = {pair: grid.pair, timestamp: candle.timestamp, close: candle.close};
    for (const [name, column] of columns) {
      const value = column[slot]!;
      record[name] = Number.isFinite(value) ? value : null;
    }
    records.push(record as MmsRecord);
  }
  return records;
}
