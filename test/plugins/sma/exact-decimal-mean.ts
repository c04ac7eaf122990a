/**
 * The reference the SMA is checked against, kept deliberately naive and separate from the code under test:
 * decimal strings parsed by splitting, window sums recomputed as BigInt prefix sums, and each mean rounded
 * to float64 by scaling the exact quotient to at least 55 bits, folding the remainder into a sticky bit
 * and letting `Number(bigint)` round to nearest, ties to even.
 */

/** `text` (digits, optional fraction, optional exponent, optional minus) as numerator / 10^scale, exactly. */
export function decimalFraction(text: string): {numerator: bigint; scale: number} {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? mantissa.slice(1) : mantissa).split('.');
  let numerator = BigInt(whole + fraction);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return {numerator: negative ? -numerator : numerator, scale};
}

/** numerator / denominator (denominator > 0) rounded once to the nearest float64, ties to even; normal range only. */
export function roundedQuotient(numerator: bigint, denominator: bigint): number {
  if (numerator < 0n) return -roundedQuotient(-numerator, denominator);
  if (numerator === 0n) return 0;
  const bits = (x: bigint) => x.toString(2).length;
  // A quotient of at least 55 bits: 53 kept, one to round on, and below it the sticky bit for the rest.
  const k = Math.max(0, 55 + bits(denominator) - bits(numerator));
  const scaled = numerator << BigInt(k);
  let quotient = scaled / denominator;
  if (quotient * denominator !== scaled) quotient |= 1n;
  return Number(quotient) / 2 ** k;
}

/** The exact mean of the decimals, rounded once; NaN when one is missing. */
export function exactDecimalMean(decimals: readonly (string | undefined)[]): number {
  if (decimals.some((d) => d === undefined)) return Number.NaN;
  const fractions = decimals.map((d) => decimalFraction(d!));
  const scale = Math.max(0, ...fractions.map((f) => f.scale));
  const sum = fractions.reduce((s, f) => s + f.numerator * 10n ** BigInt(scale - f.scale), 0n);
  return roundedQuotient(sum, BigInt(decimals.length) * 10n ** BigInt(scale));
}

/** The reference SMA column: NaN where the window is not full or holds a missing value. */
export function referenceSma(decimals: readonly (string | undefined)[], window: number): Float64Array {
  const fractions = decimals.map((d) => (d === undefined ? undefined : decimalFraction(d)));
  const scale = Math.max(0, ...fractions.map((f) => f?.scale ?? 0));
  const sums = [0n];
  const gaps = [0];
  for (const f of fractions) {
    sums.push(sums.at(-1)! + (f ? f.numerator * 10n ** BigInt(scale - f.scale) : 0n));
    gaps.push(gaps.at(-1)! + (f ? 0 : 1));
  }
  const denominator = BigInt(window) * 10n ** BigInt(scale);
  return Float64Array.from(decimals, (_, i) => {
    const first = i + 1 - window;
    if (first < 0 || gaps[i + 1] !== gaps[first]) return Number.NaN;
    return roundedQuotient(sums[i + 1]! - sums[first]!, denominator);
  });
}

/** A count of 1e-8 as the decimal string with exactly `places` decimals (0 to 8), the dropped ones being zeros. */
export function countToDecimal(count: bigint, places = 8): string {
  if (count % 10n ** BigInt(8 - places) !== 0n) throw new Error(`${count} has more than ${places} decimals`);
  const whole = count / 100_000_000n;
  const fraction = (count % 100_000_000n).toString().padStart(8, '0').slice(0, places);
  return places === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** Equal as bytes, NaN included. */
export function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The first slot where `actual` and `expected` differ (Object.is), described; undefined when none does. */
export function firstDifference(actual: Float64Array, expected: Float64Array): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `slot ${i}: ${actual[i]} vs exact ${expected[i]}`;
  }
  return undefined;
}
