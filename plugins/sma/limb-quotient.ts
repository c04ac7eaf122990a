import {LIMB} from './to-scaled-integers.js';

/** Veltkamp's splitter for float64: 2^27 + 1. */
const SPLITTER = 134_217_729;
const TWO_53 = 2 ** 53;
/** Rump's φ = 2^52 + 1 and 1 − 2^-53, for `unitInFirstPlace`. */
const PHI = 2 ** 52 + 1;
const ONE_MINUS_EPS = 1 - 2 ** -53;

/**
 * The divisor of a window mean, `window × 1e8`, with what `limbQuotient` needs of it, computed once per
 * window: its Veltkamp split (two halves of at most 26 bits) and its reciprocal, for the approximation.
 * `window ≤ 2^19` keeps the divisor below 2^46 and the low limb sum below 2^51, as `limbQuotient` needs.
 */
export interface LimbDivisor {
  readonly value: number;
  readonly high: number;
  readonly low: number;
  readonly inverse: number;
}

export function limbDivisor(value: number): LimbDivisor {
  const t = value * SPLITTER;
  const high = t - (t - value);
  return {value, high, low: value - high, inverse: 1 / value};
}

/**
 * The correctly rounded (to nearest, ties to even) float64 of S / d, S = high × 2^32 + low, for integers
 * 0 ≤ high < 2^53 and 0 ≤ low < 2^51, d = `divisor.value` < 2^46, and S / d < 2^53 (so the spacing u of
 * floats near the quotient is at most 1).
 *
 * S below 2^53 is exact in one float64, and IEEE division rounds it correctly at once. Above, an
 * approximation q = fl(fl(S) × fl(1/d)) is within 3 spacings of S/d, and the residual r = S − q·d is
 * computed exactly, with these bounds:
 *
 * - q·d = p + e exactly by Dekker's product (p = fl(q·d); there is no FMA in JS).
 * - a = high × 2^32 is exact. S = a + low ≥ 2^53 and low < 2^51 give a ≥ ¾S, while p = S(1 ± 2^-50):
 *   p/2 ≤ a ≤ 2p, so a − p is exact (Sterbenz). p ≥ 2^52 is an integer, so (a − p) + low = S − p is an
 *   integer of magnitude below |r| + |e| < 2^49: exact.
 * - r = (S − p) − e is a multiple of q's spacing g ≥ u/2 with |r| < 4·u·d < 2^49·g: representable, so
 *   exact.
 * - q then moves to fl(q + r/d), almost always the answer, and r with it by (q' − q)·d: q' − q is a few
 *   spacings (exact by Sterbenz), times d below 2^49 of the finer spacing: exact; r − (q' − q)·d is the
 *   residual of q', bounded like r: exact.
 * - Each further step moves q by one spacing and r by spacing × d (a power of two times an integer): exact.
 *
 * So every comparison deciding the rounding is exact, and no case is left undecided.
 */
export function limbQuotient(high: number, low: number, divisor: LimbDivisor): number {
  const a = high * LIMB;
  const sum = a + low;
  const d = divisor.value;
  if (sum < TWO_53) return sum / d;
  let q = sum * divisor.inverse;
  const p = q * d;
  const t = q * SPLITTER;
  const qHigh = t - (t - q);
  const qLow = q - qHigh;
  const e = qLow * divisor.low - (p - qHigh * divisor.high - qLow * divisor.high - qHigh * divisor.low);
  let r = a - p + low - e;
  const closer = q + r * divisor.inverse;
  r -= (closer - q) * d;
  q = closer;
  for (;;) {
    // The spacing of floats above q, and below it (half as wide when q is a power of two).
    const unit = unitInFirstPlace(q);
    const above = unit * 2 ** -52;
    const below = q === unit ? above / 2 : above;
    const twice = 2 * r;
    // Past the midpoint above (or on it with q odd: ties go to the even neighbour), move up; likewise down.
    if (twice > above * d || (twice === above * d && odd(q, above))) {
      q += above;
      r -= above * d;
    } else if (-twice > below * d || (-twice === below * d && odd(q, above))) {
      q -= below;
      r += below * d;
    } else return q;
  }
}

/**
 * The power of two 2^k ≤ x < 2^(k+1), for positive normal x far from overflow, in three operations:
 * Rump's ufp (S. M. Rump, "Ultimately fast accurate summation", SIAM J. Sci. Comput. 31(5), 2009).
 */
function unitInFirstPlace(x: number): number {
  const scaled = PHI * x;
  return Math.abs(scaled - ONE_MINUS_EPS * scaled);
}

/** Whether x, whose spacing is `spacing`, has an odd last mantissa bit. */
function odd(x: number, spacing: number): boolean {
  const half = x / (2 * spacing);
  return half !== Math.floor(half);
}
