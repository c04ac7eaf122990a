import type {BarSeries, Transform} from '../../src/index.js';
import {computeSmas} from './compute-sma.js';

export class SmaTransform implements Transform {
  readonly name = 'sma';
  readonly fields: readonly string[];
  readonly lookback: number;

  constructor(private readonly windows: readonly number[]) {
    this.fields = windows.map((w) => `mms_${w}`);
    this.lookback = Math.max(...windows);
  }

  apply(series: BarSeries): ReadonlyMap<string, Float64Array> {
    const columns = computeSmas(series.close, this.windows);
    return new Map(this.fields.map((field, i) => [field, columns[i]!]));
  }
}
