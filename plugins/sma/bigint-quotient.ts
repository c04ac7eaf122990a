const TWO_53 = 2n ** 53n;

/**
 * The correctly rounded (to nearest, ties to even) float64 of numerator / denominator, denominator > 0, at
 * any magnitude: subnormal results are rounded at their own precision, too large ones become ±Infinity.
 *
 * With 2^e ≤ |n/d| < 2^(e+1), the quotient is scaled by 2^shift so that its integer part has the 53 bits
 * of a float64 mantissa (fewer below 2^-1022, where shift stops at 1074), rounded there with the exact
 * remainder, and scaled back by a power of two, which is exact.
 */
export function bigintQuotient(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const magnitude = numerator < 0n ? -numerator : numerator;
  // Both exact in a float64: one IEEE division rounds correctly.
  if (magnitude < TWO_53 && denominator < TWO_53) return Number(numerator) / Number(denominator);
  let e = bitLength(magnitude) - bitLength(denominator);
  if (e >= 0 ? magnitude < denominator << BigInt(e) : magnitude << BigInt(-e) < denominator) e--;
  const shift = Math.min(52 - e, 1074);
  const scaled = shift >= 0 ? magnitude << BigInt(shift) : magnitude;
  const divisor = shift >= 0 ? denominator : denominator << BigInt(-shift);
  let q = scaled / divisor;
  const twiceRemainder = 2n * (scaled - q * divisor);
  if (twiceRemainder > divisor || (twiceRemainder === divisor && (q & 1n) === 1n)) q++;
  // q ≤ 2^53 converts exactly; 2^-shift is a normal or subnormal float64 (shift ≤ 1074), and for a large
  // quotient two factors keep each power of two finite.
  const result = shift >= 0 ? Number(q) * 2 ** -shift : Number(q) * 2 ** Math.floor(-shift / 2) * 2 ** Math.ceil(-shift / 2);
  return numerator < 0n ? -result : result;
}

function bitLength(value: bigint): number {
  const hex = value.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(Number.parseInt(hex[0]!, 16));
}
