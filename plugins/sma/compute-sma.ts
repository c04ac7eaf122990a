// biome-ignore-all lint/suspicious/noSelfCompare: `x === x` is the NaN test of these hot loops (a gap in the series is NaN)
import {DECIMAL_SCALE, toScaledIntegers} from './to-scaled-integers.js';

/** Slots per block: the unit in which a missing bar is detected and the running sum restarted. */
const BLOCK = 1024;
/** A block whose exact float sum moved by more than this factor is recomputed slot by slot. */
const COLLAPSE_RATIO = 64;
const LIMB = 2 ** 24;

/**
 * Simple moving average over `window` slots, the current slot included: out[i] = mean(values[i-window+1..i]).
 * NaN in `values` marks a missing bar. A slot whose window is not full (start of the series, or a missing
 * bar inside it) gets NaN — never a partial average and never 0.
 */
export function computeSma(values: Float64Array, window: number, out = new Float64Array(values.length)): Float64Array {
  return computeSmas(values, [window], [out])[0]!;
}

/**
 * `computeSma` for several windows over the same values, in O(n) each.
 *
 * Prices that are decimals of at most 8 places (all MB prices) are summed as exact integers (counts of
 * 1e-8): each mean is then the correctly rounded quotient of the exact decimal sum, so it matches exact
 * decimal arithmetic and is the same bytes however the series was cut into runs or pages. Other values
 * are summed in floating point, with the error bounded as described at `floatSma`.
 */
export function computeSmas(values: Float64Array, windows: readonly number[], outs?: readonly Float64Array[]): Float64Array[] {
  for (const window of windows) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  }
  const scaled = toScaledIntegers(values);
  let limbs: {high: Float64Array; low: Float64Array} | undefined;
  return windows.map((window, k) => {
    const out = outs?.[k] ?? new Float64Array(values.length);
    if (!scaled) return floatSma(values, window, out);
    const divisor = window * DECIMAL_SCALE;
    // One float64 holds every window sum exactly while |sum| < 2^53; beyond, split counts into two limbs.
    if (scaled.maxAbs * window < 2 ** 53) return slidingMean(scaled.counts, window, divisor, out, false);
    limbs ??= splitLimbs(scaled.counts);
    return limbSma(limbs.high, limbs.low, window, divisor, out);
  });
}

/**
 * The sliding sum, in blocks of BLOCK slots. A block whose starting window is complete runs the
 * branch-free fast path; a missing bar entering or leaving turns its running sum into NaN, and then (and
 * for every block that starts with a missing bar in its window) the block is redone counting gaps slot by
 * slot. With `boundError`, float error control is added, see `floatSma`.
 */
function slidingMean(values: Float64Array, window: number, divisor: number, out: Float64Array, boundError: boolean): Float64Array {
  const n = values.length;
  const head = Math.min(window, n);
  let sum = 0;
  let missing = 0;
  for (let i = 0; i < head; i++) {
    const v = values[i]!;
    if (v === v) sum += v;
    else missing++;
    out[i] = i === window - 1 && missing === 0 ? sum / divisor : NaN;
  }
  // NaN while the window ending just before the next block holds a missing bar: the fast path cannot run.
  if (missing > 0) sum = NaN;
  for (let start = head; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const running = sum === sum ? slideBlock(values, window, divisor, out, start, end, sum) : NaN;
    if (running !== running) slideBlockWithGaps(values, window, divisor, out, start, end);
    const exact = plainWindowSum(values, end - 1, window);
    if (boundError && moved(sum, exact)) {
      for (let i = start; i < end; i++) if (out[i] === out[i]) out[i] = plainWindowSum(values, i, window) / divisor;
    }
    sum = exact;
  }
  return out;
}

/**
 * Values that are not 8-decimal prices: a float sliding sum keeps the rounding error of every value that
 * passed through it, in proportion to the largest sum it held, so it is rebuilt from the window after
 * every block; if the rebuilt sum moved more than COLLAPSE_RATIO× across the block (a collapse), that
 * block's means are recomputed directly. For positive values the relative error stays below about
 * BLOCK × COLLAPSE_RATIO × 2^-53 ≈ 7e-12.
 */
function floatSma(values: Float64Array, window: number, out: Float64Array): Float64Array {
  return slidingMean(values, window, window, out, true);
}

/** The fast path: no branches, and `entering - leaving` is off the sum's dependency chain. */
function slideBlock(values: Float64Array, window: number, divisor: number, out: Float64Array, start: number, end: number, sum: number): number {
  for (let i = start; i < end; i++) {
    sum += values[i]! - values[i - window]!;
    out[i] = sum / divisor;
  }
  return sum;
}

/** The same block, counting missing bars in the window so that only windows without one get a mean. */
function slideBlockWithGaps(values: Float64Array, window: number, divisor: number, out: Float64Array, start: number, end: number): void {
  let sum = 0;
  let missing = 0;
  for (let j = start - window; j < start; j++) {
    const v = values[j]!;
    if (v === v) sum += v;
    else missing++;
  }
  for (let i = start; i < end; i++) {
    const entering = values[i]!;
    const leaving = values[i - window]!;
    if (entering === entering) sum += entering;
    else missing++;
    if (leaving === leaving) sum -= leaving;
    else missing--;
    out[i] = missing === 0 ? sum / divisor : NaN;
  }
}

/**
 * Counts too large for one float64 sum: each is split into high × 2^24 + low, and the two sums (each far
 * below 2^53, so exact) are combined once per slot — a function of the window alone, so still the same
 * bytes whatever the history. Missing bars are handled slot by slot; this path is for rare prices.
 */
function limbSma(high: Float64Array, low: Float64Array, window: number, divisor: number, out: Float64Array): Float64Array {
  let sumHigh = 0;
  let sumLow = 0;
  let missing = 0;
  for (let i = 0; i < high.length; i++) {
    const h = high[i]!;
    if (h === h) {
      sumHigh += h;
      sumLow += low[i]!;
    } else missing++;
    if (i >= window) {
      const leaving = high[i - window]!;
      if (leaving === leaving) {
        sumHigh -= leaving;
        sumLow -= low[i - window]!;
      } else missing--;
    }
    out[i] = i >= window - 1 && missing === 0 ? (sumHigh * LIMB + sumLow) / divisor : NaN;
  }
  return out;
}

function splitLimbs(counts: Float64Array): {high: Float64Array; low: Float64Array} {
  const high = new Float64Array(counts.length);
  const low = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const h = Math.floor(counts[i]! / LIMB);
    high[i] = h;
    low[i] = counts[i]! - h * LIMB;
  }
  return {high, low};
}

/** False when either side is NaN (a gap): such blocks were computed by the gap-aware path from scratch. */
function moved(before: number, after: number): boolean {
  const a = Math.abs(before);
  const b = Math.abs(after);
  return a > b * COLLAPSE_RATIO || b > a * COLLAPSE_RATIO;
}

/** Sum of the window ending at `end`; NaN when a bar in it is missing. */
function plainWindowSum(values: Float64Array, end: number, window: number): number {
  let sum = 0;
  for (let j = end - window + 1; j <= end; j++) sum += values[j]!;
  return sum;
}
