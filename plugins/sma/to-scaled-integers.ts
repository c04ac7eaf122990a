import {InvalidPriceError} from './invalid-price-error.js';

/** Prices become integer counts of 1e-8: MB's finest decimal step. */
export const DECIMAL_SCALE = 1e8;
/** Base of the two limbs a count of 1e-8 is split into: a power of two, so `high × LIMB` is exact. */
export const LIMB = 2 ** 32;

/**
 * Below 2^26 consecutive float64 values are at most 2^-27 < 1e-8 apart, so at most one multiple of 1e-8
 * rounds to a given float; when one does, it is also the shortest decimal that rounds to it, i.e. what
 * `String(v)` prints. Above, several 8-decimal numbers can share a float and `String(v)` decides.
 */
const UNIQUE_DECIMAL_BELOW = 2 ** 26;
/** Whole parts of at most 15 digits are exact in a float64 and keep `high` below 2^45. */
const MAX_WHOLE_DIGITS = 15;
/**
 * Largest decimal exponent, either way, of the exact (BigInt) representation: it covers every float64 as
 * `String(v)` spells it (5e-324 to 1.8e308) and keeps 10^scale small; a string needing more is refused
 * rather than expanded without bound.
 */
const MAX_SCALE = 400;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/**
 * Prices with at most 8 decimals and 15 whole digits (every MB price), as counts of 1e-8 split into two
 * limbs: count = high × 2^32 + low, 0 ≤ low < 2^32, 0 ≤ high < 2^45. Both are integers held exactly in
 * float64, so sums of up to 2^8 of them stay exact, and more as long as `window × maxHigh ≤ 2^53`.
 */
export interface LimbIntegers {
  readonly kind: 'limbs';
  /** 0 at a missing bar. */
  readonly high: Float64Array;
  /** 0 at a missing bar. */
  readonly low: Float64Array;
  /** Missing bars among slots 0..i-1, for i in 0..n: the gaps in a window are a difference of two entries. */
  readonly gapsBefore: Int32Array;
  readonly maxHigh: number;
}

/** Any other finite decimals (more places, negative, larger), exactly: value × 10^scale. */
export interface BigIntegers {
  readonly kind: 'bigint';
  /** Undefined at a missing bar. */
  readonly counts: readonly (bigint | undefined)[];
  readonly scale: number;
}

export type ScaledIntegers = LimbIntegers | BigIntegers;

/**
 * The exact decimals behind a price column, as integers whose sums are exact in any order: averages
 * computed from them do not depend on how a range was cut into runs, pages or retries.
 *
 * A float64 stands for the shortest decimal that rounds to it (`String(v)`): that is the decimal the
 * exchange sent whenever it had at most 15 significant digits (every 8-decimal price below 10^7), as
 * such a decimal survives the round trip through float64. NaN is a missing bar. A string is taken as
 * written (`"191411.11707"`, `"1e-7"`); undefined is a missing bar.
 *
 * A value with more than 8 decimals is kept exactly too (as `BigIntegers`, slower), not refused: it is a
 * finite decimal like any other, and refusing it would fail a whole pair for a source that quotes finer
 * steps. Only what is no finite decimal (an infinity, a malformed string) or needs an exponent beyond
 * ±400 is refused.
 *
 * @throws InvalidPriceError naming the slot and the value.
 */
export function toScaledIntegers(values: Float64Array | readonly (string | undefined)[]): ScaledIntegers {
  const limbs = values instanceof Float64Array ? floatLimbs(values) : decimalLimbs(values);
  if (limbs) return limbs;
  const texts = values instanceof Float64Array ? Array.from(values, (v) => (Number.isNaN(v) ? undefined : String(v))) : values;
  return bigIntegers(texts);
}

function emptyLimbs(n: number) {
  return {high: new Float64Array(n), low: new Float64Array(n), gapsBefore: new Int32Array(n + 1)};
}

/** Undefined as soon as a value is not an 8-decimal price of at most 15 whole digits. */
function floatLimbs(values: Float64Array): LimbIntegers | undefined {
  const n = values.length;
  const {high, low, gapsBefore} = emptyLimbs(n);
  let gaps = 0;
  let maxHigh = 0;
  for (let i = 0; i < n; i++) {
    gapsBefore[i] = gaps;
    const v = values[i]!;
    if (Number.isNaN(v)) {
      gaps++;
      continue;
    }
    if (v >= 0 && v < UNIQUE_DECIMAL_BELOW) {
      // count < 2^26 × 1e8 < 2^53 is exact, and `count / 1e8` is the correctly rounded float of the decimal
      // count × 1e-8: equal to v exactly when that decimal is the one v stands for.
      const count = Math.round(v * DECIMAL_SCALE);
      if (count / DECIMAL_SCALE === v) {
        const h = Math.floor(count / LIMB);
        high[i] = h;
        low[i] = count - h * LIMB;
        if (h > maxHigh) maxHigh = h;
        continue;
      }
    }
    if (!parseLimbs(String(v), high, low, i)) return undefined;
    if (high[i]! > maxHigh) maxHigh = high[i]!;
  }
  gapsBefore[n] = gaps;
  return {kind: 'limbs', high, low, gapsBefore, maxHigh};
}

function decimalLimbs(decimals: readonly (string | undefined)[]): LimbIntegers | undefined {
  const n = decimals.length;
  const {high, low, gapsBefore} = emptyLimbs(n);
  let gaps = 0;
  let maxHigh = 0;
  for (let i = 0; i < n; i++) {
    gapsBefore[i] = gaps;
    const text = decimals[i];
    if (text === undefined) gaps++;
    else if (!parseLimbs(text, high, low, i)) return undefined;
    else if (high[i]! > maxHigh) maxHigh = high[i]!;
  }
  gapsBefore[n] = gaps;
  return {kind: 'limbs', high, low, gapsBefore, maxHigh};
}

/**
 * Writes the limbs of `text` at slot i when it is a plain non-negative decimal (`digits[.digits]`) of at
 * most 15 whole digits and 8 decimals (further decimals only zeros); false for anything else, which the
 * exact general parser then takes or refuses.
 */
function parseLimbs(text: string, high: Float64Array, low: Float64Array, i: number): boolean {
  const length = text.length;
  let k = 0;
  let whole = 0;
  for (; k < length; k++) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  if (k === 0 || k > MAX_WHOLE_DIGITS) return false;
  let fraction = 0;
  if (k < length && text.charCodeAt(k) === 46) {
    const first = ++k;
    for (; k < length; k++) {
      const digit = text.charCodeAt(k) - 48;
      if (digit < 0 || digit > 9) break;
      if (k - first < 8) fraction = fraction * 10 + digit;
      else if (digit !== 0) return false;
    }
    const places = k - first;
    if (places === 0) return false;
    if (places < 8) fraction *= POW10[8 - places]!;
  }
  if (k !== length) return false;
  // count = whole × 1e8 + fraction may pass 2^53, so it is split without leaving exact float arithmetic:
  // with whole = a × 2^24 + b and 1e8 = 390625 × 2^8, count = a × 390625 × 2^32 + (b × 1e8 + fraction),
  // where a < 2^26, b × 1e8 + fraction < 2^51 and a × 390625 < 2^45: every step is an exact integer.
  const a = Math.floor(whole / 2 ** 24);
  const rest = (whole - a * 2 ** 24) * DECIMAL_SCALE + fraction;
  const carry = Math.floor(rest / LIMB);
  high[i] = a * 390_625 + carry;
  low[i] = rest - carry * LIMB;
  return true;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function bigIntegers(texts: readonly (string | undefined)[]): BigIntegers {
  const parsed = texts.map((text, i) => (text === undefined ? undefined : parseDecimal(text, i)));
  let scale = 8;
  for (const p of parsed) if (p && p.scale > scale) scale = p.scale;
  const counts = parsed.map((p) => p && p.digits * 10n ** BigInt(scale - p.scale));
  return {kind: 'bigint', counts, scale};
}

/** `text` = digits × 10^-scale, exactly. */
function parseDecimal(text: string, i: number): {digits: bigint; scale: number} {
  const match = DECIMAL.exec(text);
  if (!match) throw new InvalidPriceError(i, text, 'not a finite decimal number');
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const scale = fraction.length - Number(exponent);
  if (!(Math.abs(scale) <= MAX_SCALE)) throw new InvalidPriceError(i, text, `beyond ${MAX_SCALE} decimal places either way`);
  const magnitude = BigInt(whole! + fraction);
  const digits = sign === '-' ? -magnitude : magnitude;
  return scale >= 0 ? {digits, scale} : {digits: digits * 10n ** BigInt(-scale), scale: 0};
}
