import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import {UsageError} from '../errors/usage-error.js';

/** `--pairs` may only name pairs of the config; the others would have no source symbol or history. */
export function checkPairs(settings: Pick<PipelineSettings, 'pairs' | 'file'>, pairs: readonly string[] | undefined): readonly string[] {
  const unknown = (pairs ?? []).filter((p) => !settings.pairs.includes(p));
  if (unknown.length > 0) {
    throw new UsageError(
      `--pairs: ${unknown.join(', ')} not in the config's pairs (${settings.pairs.join(', ')}); add it to "pairs" in ${settings.file} first.`,
    );
  }
  return pairs ?? settings.pairs;
}
