/** Slots between two exact rebuilds of the running sum. */
const BLOCK = 1024;
/** A block whose exact sum moved by more than this factor is recomputed slot by slot. */
const COLLAPSE_RATIO = 64;

/**
 * Simple moving average over `window` slots, the current slot included: out[i] = mean(values[i-window+1..i]).
 * NaN in `values` marks a missing bar. A slot whose window is not full (start of the series, or a missing
 * bar inside it) gets NaN — never a partial average and never 0.
 *
 * O(n) with a sliding sum, computed in blocks of BLOCK slots:
 * - A block whose starting window is complete first runs a branch-free loop, the fast path. A missing bar
 *   entering or leaving the window turns its running sum into NaN; then, and only then, the block is
 *   redone with per-slot gap counting — as is every block that starts with a missing bar in its window.
 * - A sliding sum keeps the rounding error of every value that passed through it, in proportion to the
 *   largest sum it held, so it is rebuilt exactly from the window after every block. If that exact sum
 *   moved more than COLLAPSE_RATIO× across the block (a price collapsing), the block's means are
 *   recomputed directly. For positive prices the relative error stays below about
 *   BLOCK × COLLAPSE_RATIO × 2^-53 ≈ 7e-12 (in practice ~1e-15); only a swing of more than ~8000× that
 *   starts and ends inside one block could exceed 1e-9.
 */
export function computeSma(values: Float64Array, window: number, out = new Float64Array(values.length)): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  const n = values.length;
  const head = Math.min(window, n);
  let sum = 0;
  let missing = 0;
  for (let i = 0; i < head; i++) {
    const v = values[i]!;
    if (v === v) sum += v;
    else missing++;
    out[i] = i === window - 1 && missing === 0 ? sum / window : NaN;
  }
  // NaN while the window ending just before the next block holds a missing bar: the fast path cannot run.
  if (missing > 0) sum = NaN;
  for (let start = head; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const running = sum === sum ? slideBlock(values, window, out, start, end, sum) : NaN;
    if (running !== running) slideBlockWithGaps(values, window, out, start, end);
    const exact = plainWindowSum(values, end - 1, window);
    if (moved(sum, exact)) {
      for (let i = start; i < end; i++) if (out[i] === out[i]) out[i] = plainWindowSum(values, i, window) / window;
    }
    sum = exact;
  }
  return out;
}

/** The fast path: no branches, and `entering - leaving` is off the sum's dependency chain. */
function slideBlock(values: Float64Array, window: number, out: Float64Array, start: number, end: number, sum: number): number {
  for (let i = start; i < end; i++) {
    sum += values[i]! - values[i - window]!;
    out[i] = sum / window;
  }
  return sum;
}

/** The same block, counting missing bars in the window so that only windows without one get a mean. */
function slideBlockWithGaps(values: Float64Array, window: number, out: Float64Array, start: number, end: number): void {
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
    out[i] = missing === 0 ? sum / window : NaN;
  }
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
