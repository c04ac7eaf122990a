import {bigintQuotient} from './bigint-quotient.js';
import {limbDivisor, limbQuotient} from './limb-quotient.js';
import {type BigIntegers, DECIMAL_SCALE, LIMB, type LimbIntegers, type ScaledIntegers, toScaledIntegers} from './to-scaled-integers.js';

/** Largest window of the limb path: keeps the low limb sum below 2^51 and the divisor below 2^46. */
const MAX_LIMB_WINDOW = 2 ** 19;

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
 * Each value stands for the shortest decimal that rounds to it (`String(v)`, what the exchange sent), and
 * each mean is the exact mean of those decimals rounded once to the nearest float64 (ties to even): the
 * same bytes however the series was cut into runs, pages or retries.
 *
 * @throws InvalidPriceError for an infinite value.
 */
export function computeSmas(values: Float64Array, windows: readonly number[], outs?: readonly Float64Array[]): Float64Array[] {
  checkWindows(windows);
  return smas(toScaledIntegers(values), values.length, windows, outs);
}

/**
 * `computeSmas` over prices as decimal strings exactly as received (`"191411.11707"`, any magnitude and
 * number of decimals); undefined marks a missing bar. Each mean is the exact decimal mean rounded once to
 * the nearest float64 (ties to even).
 *
 * @throws InvalidPriceError for a string that is not a finite decimal number.
 */
export function computeSmasFromDecimals(decimals: readonly (string | undefined)[], windows: readonly number[], outs?: readonly Float64Array[]): Float64Array[] {
  checkWindows(windows);
  return smas(toScaledIntegers(decimals), decimals.length, windows, outs);
}

function checkWindows(windows: readonly number[]): void {
  for (const window of windows) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  }
}

function smas(scaled: ScaledIntegers, n: number, windows: readonly number[], outs: readonly Float64Array[] | undefined): Float64Array[] {
  let big = scaled.kind === 'bigint' ? scaled : undefined;
  return windows.map((window, k) => {
    const out = outs?.[k] ?? new Float64Array(n);
    if (scaled.kind === 'limbs' && window <= MAX_LIMB_WINDOW && window * scaled.maxHigh <= 2 ** 53) return limbSma(scaled, window, out);
    big ??= toBigIntegers(scaled as LimbIntegers);
    return bigintSma(big, window, out);
  });
}

/**
 * Sliding sums of both limbs. Every window sum of `high` is at most window × maxHigh ≤ 2^53 and of `low`
 * below window × 2^32 ≤ 2^51, and each step adds or removes one integer, so every sum is exact whatever
 * came before: the mean of a slot depends on its window alone. A missing bar is 0 in both limbs and
 * counted in `gapsBefore`, so the loop has no branch on gaps.
 */
function limbSma({high, low, gapsBefore}: LimbIntegers, window: number, out: Float64Array): Float64Array {
  const n = high.length;
  const divisor = limbDivisor(window * DECIMAL_SCALE);
  let sumHigh = 0;
  let sumLow = 0;
  const head = Math.min(window - 1, n);
  for (let i = 0; i < head; i++) {
    sumHigh += high[i]!;
    sumLow += low[i]!;
    out[i] = Number.NaN;
  }
  for (let i = head; i < n; i++) {
    sumHigh += high[i]!;
    sumLow += low[i]!;
    const first = i + 1 - window;
    out[i] = gapsBefore[i + 1] === gapsBefore[first] ? limbQuotient(sumHigh, sumLow, divisor) : Number.NaN;
    sumHigh -= high[first]!;
    sumLow -= low[first]!;
  }
  return out;
}

/** Exact sums of any size; each mean rounded once by `bigintQuotient`. For prices the limbs cannot hold. */
function bigintSma({counts, scale}: BigIntegers, window: number, out: Float64Array): Float64Array {
  const divisor = BigInt(window) * 10n ** BigInt(scale);
  let sum = 0n;
  let missing = 0;
  for (let i = 0; i < counts.length; i++) {
    const entering = counts[i];
    if (entering === undefined) missing++;
    else sum += entering;
    if (i >= window) {
      const leaving = counts[i - window];
      if (leaving === undefined) missing--;
      else sum -= leaving;
    }
    out[i] = i >= window - 1 && missing === 0 ? bigintQuotient(sum, divisor) : Number.NaN;
  }
  return out;
}

function toBigIntegers({high, low, gapsBefore}: LimbIntegers): BigIntegers {
  const counts = Array.from(high, (h, i) => (gapsBefore[i + 1] === gapsBefore[i] ? BigInt(h) * BigInt(LIMB) + BigInt(low[i]!) : undefined));
  return {kind: 'bigint', counts, scale: 8};
}
