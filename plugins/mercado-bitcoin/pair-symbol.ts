/** The challenge names pairs quote + base (`BRLBTC`); API v4 wants base-quote (`BTC-BRL`). */
export function pairSymbol(pair: string): string | undefined {
  const match = /^BRL([A-Z0-9]{2,15})$/.exec(pair);
  return match ? `${match[1]}-BRL` : undefined;
}
