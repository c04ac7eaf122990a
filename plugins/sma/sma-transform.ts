import type {BarSeries, FieldDescription, Transform} from '../../src/index.js';
import {computeSmas, computeSmasFromDecimals} from './compute-sma.js';

export class SmaTransform implements Transform {
  readonly name = 'sma';
  readonly fields: readonly string[];
  readonly lookback: number;
  readonly describe: Readonly<Record<string, FieldDescription>>;

  constructor(private readonly windows: readonly number[]) {
    this.fields = windows.map((w) => `mms_${w}`);
    this.lookback = Math.max(...windows);
    this.describe = Object.fromEntries(
      windows.map((w) => [
        `mms_${w}`,
        {
          label: `MMS ${w}`,
          description: `${w}-bar simple moving average of the close, the bar itself included; null without ${w} bars of history`,
          unit: 'price',
        },
      ]),
    );
  }

  apply(series: BarSeries): ReadonlyMap<string, Float64Array> {
    // Closes beyond a float64's precision come as text: the averages stay exact at any price.
    const columns = series.closeDecimals ? computeSmasFromDecimals(series.closeDecimals, this.windows) : computeSmas(series.close, this.windows);
    return new Map(this.fields.map((field, i) => [field, columns[i]!]));
  }
}
