import type {TimeRange} from '../../src/index.js';

/** Splits the inclusive bar range `[from, to]` into consecutive ranges of at most `size` bars. */
export function chunkWindow(range: TimeRange, step: number, size: number): TimeRange[] {
  const chunks: TimeRange[] = [];
  for (let from = range.from; from <= range.to; from += size * step) {
    chunks.push({from, to: Math.min(range.to, from + (size - 1) * step)});
  }
  return chunks;
}
