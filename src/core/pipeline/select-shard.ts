import {UsageError} from '../errors/usage-error.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `--shard i/n` (0 ≤ i < n, as Kubernetes' JOB_COMPLETION_INDEX counts) → {index, count}. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new UsageError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4 for the first of four workers), got "${value}".`);
  }
  return {index, count};
}

/**
 * The pairs this worker owns: a pair's shard is a hash of its name (FNV-1a), so the split is the same on
 * every machine and every run, needs no coordination, and moves few pairs when pairs are added.
 */
export function selectShard(pairs: readonly string[], shard: Shard): string[] {
  return pairs.filter((pair) => fnv1a(pair) % shard.count === shard.index);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
