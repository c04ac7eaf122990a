import type {Resolution} from './resolution.js';

/**
 * A gap-aware, regular grid of bars: slot `i` is the bar opening at `start + i * step`. Slots without a
 * candle hold NaN in every column, so a transform can tell a missing bar from a real value.
 */
export interface BarSeries {
  readonly pair: string;
  readonly resolution: Resolution;
  readonly start: number;
  readonly step: number;
  readonly length: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /**
   * The close of every slot as exact decimal text (undefined at a missing bar), present only when a candle
   * of the series carried a close a float64 does not hold exactly (see `Candle.exact`): a transform that
   * must be exact at any price reads it when present, `close` otherwise.
   */
  readonly closeDecimals?: readonly (string | undefined)[];
  /** Columns produced by the transforms configured before this one, by field name. */
  readonly fields: ReadonlyMap<string, Float64Array>;
}

/** How the HTTP API documents a field and the chart page draws it. */
export interface FieldDescription {
  /** A short name for a legend, e.g. `MMS 20`. */
  readonly label: string;
  /** What the value is (shown in `/openapi.json`), e.g. when it is null. */
  readonly description: string;
  /**
   * `price` when the value is in the pair's quote currency, like the close (the chart draws it on the price
   * axis); `number` for anything else, a signal or a ratio (drawn on an axis of its own).
   */
  readonly unit: 'price' | 'number';
}

/**
 * Turns bars into indicator columns. Each output column has one value per slot of the series; NaN means
 * "no value" and is stored as null.
 */
export interface Transform {
  readonly name: string;
  /** Field names this transform adds to each record: `mms serve` serves every one of them. */
  readonly fields: readonly string[];
  /** How each field is documented and drawn; a field without one is shown by its name, on an axis of its own. */
  readonly describe?: Readonly<Record<string, FieldDescription>>;
  /**
   * Bars of history (the current one included) needed before the first bar can have a complete value.
   * The pipeline fetches the largest lookback of all transforms; a transform that reads another's fields
   * must count that transform's lookback in its own.
   */
  readonly lookback: number;
  apply(series: BarSeries): ReadonlyMap<string, Float64Array>;
}
