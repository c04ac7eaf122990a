/**
 * Bar resolutions the pipeline reasons in. Only fixed-length buckets: MB's `1w` and `1M` buckets have no
 * documented alignment, so a window of them could not be checked for holes.
 */
export const RESOLUTIONS = ['1m', '15m', '1h', '3h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const SECONDS: {[R in Resolution]: number} = {
  '1m': 60,
  '15m': 900,
  '1h': 3600,
  '3h': 10_800,
  '1d': 86_400,
};

export function resolutionSeconds(resolution: Resolution): number {
  return SECONDS[resolution];
}
