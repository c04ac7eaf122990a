/**
 * What transforms produce and sinks store: one row per (pair, timestamp). Indicator fields are numbers, or
 * `null` when the indicator has no value for that bar (not enough history) — never 0.
 */
export interface MmsRecord {
  readonly pair: string;
  readonly timestamp: number;
  readonly [field: string]: string | number | null;
}

/** Inclusive range of bar open times, in Unix seconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}
