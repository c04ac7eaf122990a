import type {ResolvedConfig} from '../../config/config-schema.js';
import {UsageError} from '../errors/usage-error.js';

/** `--pairs` may only name pairs of the config; the others would have no source symbol or history. */
export function checkPairs(config: ResolvedConfig, pairs: readonly string[] | undefined): readonly string[] {
  const unknown = (pairs ?? []).filter((p) => !config.pairs.includes(p));
  if (unknown.length > 0) {
    throw new UsageError(`--pairs: ${unknown.join(', ')} not in the config's pairs (${config.pairs.join(', ')}); add it to "pairs" in ${config.file} first.`);
  }
  return pairs ?? config.pairs;
}
