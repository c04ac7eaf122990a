/**
 * A value that is not a finite decimal number (a malformed string, an infinity, an exponent out of range),
 * so no exact mean exists for a window holding it. `index` is its slot in the series given to the SMA: the
 * caller knows which pair and day that is and can say so.
 */
export class InvalidPriceError extends Error {
  override readonly name = 'InvalidPriceError';

  constructor(
    readonly index: number,
    readonly value: string,
    readonly reason: string,
  ) {
    super(`price at slot ${index} is ${reason}: ${JSON.stringify(value)}`);
  }
}
