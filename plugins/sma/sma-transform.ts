import type {BarSeries, Transform} from '../../src/core/contracts/transform.js';
import {computeSma} from './compute-sma.js';

export class SmaTransform implements Transform {
  readonly name = 'sma';
  readonly fields: readonly string[];
  readonly lookback: number;

  constructor(private readonly windows: readonly number[]) {
    this.fields = windows.map((w) => `mms_${w}`);
    this.lookback = Math.max(...windows);
  }

  apply(series: BarSeries): ReadonlyMap<string, Float64Array> {
    return new Map(this.windows.map((w, i) => [this.fields[i]!, computeSma(series.close, w)]));
  }
}
