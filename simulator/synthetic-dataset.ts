import type {Candle} from '../src/core/contracts/candle.js';
import type {SimulatorDataset} from './simulator-dataset.js';

/**
 * A deterministic price series for any pair, resolution and range: the same (seed, pair, timestamp)
 * always gives the same candle, computed directly (no state), so a backfill of years of minute bars can
 * be served in any order and chunking.
 */
export function syntheticDataset(seed = 1): SimulatorDataset {
  return {
    description: `synthetic series (seed ${seed}), any pair and resolution`,
    hasPair: (pair) => /^[A-Z0-9]{2,20}$/.test(pair),
    supportsStep: () => true,
    candles(pair, step, from, to, nowSeconds) {
      const pairSeed = hash(seed, stringHash(pair));
      const base = 100 + (pairSeed % 100_000);
      const first = Math.ceil(from / step) * step;
      const candles: Candle[] = [];
      for (let t = first; t <= to && t <= nowSeconds; t += step) {
        const end = Math.min(t + step, nowSeconds);
        const open = priceAt(base, pairSeed, t);
        const close = priceAt(base, pairSeed, end);
        const wiggle = 1 + (hash(pairSeed, t) % 1000) / 500_000;
        candles.push({
          timestamp: t,
          open,
          close,
          high: round8(Math.max(open, close) * wiggle),
          low: round8(Math.min(open, close) / wiggle),
          volume: round8(((hash(pairSeed ^ 0x9e3779b9, t) % 1_000_000) + 1) / 1000),
        });
      }
      return candles;
    },
  };
}

function priceAt(base: number, pairSeed: number, t: number): number {
  const phase = (pairSeed % 1000) / 159;
  const trend = 0.35 * Math.sin((2 * Math.PI * t) / (86_400 * 365) + phase);
  const cycle = 0.08 * Math.sin((2 * Math.PI * t) / (86_400 * 23) + phase * 2);
  const noise = ((hash(pairSeed, Math.floor(t)) % 2001) - 1000) / 100_000;
  return round8(base * Math.exp(trend + cycle + noise));
}

function round8(value: number): number {
  return Number(value.toFixed(8));
}

/** A 32-bit integer mix (murmur3 finalizer) of two inputs: cheap, stateless, well spread. */
function hash(a: number, b: number): number {
  let h = (a ^ Math.imul(b | 0, 0x85ebca6b) ^ Math.floor(b / 4_294_967_296)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function stringHash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
