/**
 * The quote currencies a pair name may start with: Mercado Bitcoin names its pairs quote + base and quotes
 * every one in BRL. Only fiat codes that no asset symbol starts with belong here (not USD: USDT, USDC).
 */
export const QUOTE_CURRENCIES: readonly string[] = ['BRL'];

/**
 * A pair's quote and base (BRLBTC is BTC priced in BRL), when its name starts with a known quote currency
 * and has a base after it; otherwise null: a pair is any 2–20 of [A-Z0-9], and guessing would mislabel it.
 */
export function splitPair(pair: string): {quote: string; base: string} | null {
  const quote = QUOTE_CURRENCIES.find((q) => pair.startsWith(q) && pair.length > q.length);
  return quote === undefined ? null : {quote, base: pair.slice(quote.length)};
}
