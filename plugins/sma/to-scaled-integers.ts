/** Prices become integer counts of 1e-8: MB's finest decimal step. */
export const DECIMAL_SCALE = 1e8;
/**
 * Largest count the check below can vouch for (prices up to ~2.8 million): below it, the float error of an
 * 8-decimal price (< 2.3e-16 relative) stays under the threshold, and a 9th decimal digit (≥ 0.1 count)
 * stays over it.
 */
const MAX_COUNT = 2 ** 48;

/** Adding then subtracting 1.5 × 2^52 rounds a float below 2^51 to the nearest integer, branch-free. */
const ROUNDER = 6_755_399_441_055_744;

/**
 * Reused between calls: writing a fresh 8 MB array per million values costs more in page faults than the
 * conversion itself. Safe because conversion and use are synchronous.
 */
let scratch = new Float64Array(0);

export interface ScaledIntegers {
  /**
   * `round(value × 1e8)`, exactly the decimal the float was parsed from; NaN where the value is missing.
   * Valid until the next call.
   */
  readonly counts: Float64Array;
  /** Largest |count|, to know whether a window's sum stays exact in one float64 (< 2^53). */
  readonly maxAbs: number;
}

/**
 * Recovers the exact decimals behind parsed prices: a float64 parsed from a decimal string with at most
 * 8 decimals is within 2^-52 (relative) of that decimal, so `round(value × 1e8)` is it, as an integer.
 * Integer sums are exact, so averages computed from them are the same whatever the order of additions —
 * the same bytes from a backfill, a daily run or a retry. Undefined when some value is not such a
 * decimal (more decimals, or too large): the caller then works in floating point.
 */
export function toScaledIntegers(values: Float64Array): ScaledIntegers | undefined {
  const n = values.length;
  if (scratch.length < n) scratch = new Float64Array(n);
  const counts = scratch.subarray(0, n);
  let highest = 0;
  let lowest = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const scaled = values[i]! * DECIMAL_SCALE;
    const count = scaled + ROUNDER - ROUNDER;
    counts[i] = count;
    if (count > highest) highest = count;
    if (count < lowest) lowest = count;
    const error = scaled - count;
    // A missing value (NaN) makes this NaN, which is never > worst: gaps do not make a series inexact.
    const excess = error * error - count * count * 1e-31;
    if (excess > worst) worst = excess;
  }
  const maxAbs = Math.max(highest, -lowest);
  return worst === 0 && maxAbs < MAX_COUNT ? {counts, maxAbs} : undefined;
}
