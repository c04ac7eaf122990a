import type {Candle} from '../src/core/contracts/candle.js';
import type {SimulatorDataset} from './simulator-dataset.js';

/**
 * Another dataset's candles at prices a float64 cannot hold: each price moved `shift` decimal places up
 * (191411.11707 → 1914111170700 with shift 7) and given eight decimals of its own, e.g.
 * 1914111170700.13870523 — 21 significant digits; the recorded prices then span 5e9 to 4e12. Served as
 * text (v4 strings, legacy JSON numbers with every digit), this is the exchange at a price where only exact
 * decimal arithmetic gives every average right.
 */
export function widePriceDataset(inner: SimulatorDataset, shift = 7): SimulatorDataset {
  return {
    description: `${inner.description}, prices × 10^${shift} with eight decimals`,
    hasPair: (pair) => inner.hasPair(pair),
    supportsStep: (step) => inner.supportsStep(step),
    candles: (pair, step, from, to, nowSeconds) => inner.candles(pair, step, from, to, nowSeconds).map((candle) => widen(candle, shift)),
  };
}

function widen(candle: Candle, shift: number): Candle {
  const exact = {
    open: wide(candle.open, shift, candle.timestamp + 1),
    high: wide(candle.high, shift, candle.timestamp + 2),
    low: wide(candle.low, shift, candle.timestamp + 3),
    close: wide(candle.close, shift, candle.timestamp + 4),
  };
  return {
    timestamp: candle.timestamp,
    open: Number(exact.open),
    high: Number(exact.high),
    low: Number(exact.low),
    close: Number(exact.close),
    volume: candle.volume,
    exact,
  };
}

/** `price` × 10^shift as decimal text, with eight decimals drawn from `salt` (the same candle, the same text). */
function wide(price: number, shift: number, salt: number): string {
  const [whole = '', fraction = ''] = String(price).split('.');
  const moved = fraction.padEnd(shift, '0').slice(0, shift);
  const decimals = (fraction.slice(shift) + String((Math.imul(salt | 0, 0x9e3779b1) >>> 0) % 100_000_000).padStart(8, '0')).slice(0, 8);
  return `${BigInt(whole + moved)}.${decimals}`;
}
