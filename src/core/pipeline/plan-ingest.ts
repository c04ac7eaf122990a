import {UsageError} from '../errors/usage-error.js';
import {formatUtc} from '../time/format-utc.js';

export interface PairWindow {
  readonly pair: string;
  /** First bar to write. */
  readonly from: number;
  /** Last bar to write (the newest complete one at most). */
  readonly to: number;
  /** First bar to fetch: `from` minus the transforms' lookback, so every written bar has full windows. */
  readonly fetchFrom: number;
  /** Nothing to write: the store already holds `to`. */
  readonly upToDate: boolean;
}

export interface PlanInput {
  readonly pair: string;
  readonly step: number;
  readonly lookback: number;
  /** Open time of the newest complete bar (00:00 UTC yesterday for daily bars). */
  readonly lastComplete: number;
  /** Newest stored bar of the pair, if any. */
  readonly latestStored: number | undefined;
  /** How many bars the first load of an empty store covers (365 for a year of days). */
  readonly initialBars: number;
  readonly from?: number;
  readonly to?: number;
}

/**
 * The window one pair's run covers. Without `from`/`to` it is the daily job: resume after the newest stored
 * bar (the watermark lives in the data, so it can never disagree with it) or load `initialBars` into an
 * empty store. With them it is a backfill of exactly that range.
 */
export function planIngest(input: PlanInput): PairWindow {
  const {pair, step, lookback, lastComplete} = input;
  const ceil = (t: number) => Math.ceil(t / step) * step;
  const floor = (t: number) => Math.floor(t / step) * step;
  let from: number;
  let to: number;
  if (input.from !== undefined) {
    from = ceil(input.from);
    to = input.to === undefined ? lastComplete : floor(input.to);
    if (to > lastComplete) {
      throw new UsageError(`--to ${formatUtc(to)} is not complete yet; the newest complete bar is ${formatUtc(lastComplete)} (UTC).`);
    }
    if (from > to) {
      throw new UsageError(
        input.to === undefined
          ? `--from ${formatUtc(from)} is not complete yet; the newest complete bar is ${formatUtc(lastComplete)} (UTC).`
          : `--from ${formatUtc(from)} is after --to ${formatUtc(to)}.`,
      );
    }
  } else if (input.to !== undefined) {
    throw new UsageError('--to needs --from: a backfill covers an explicit range. Without both, ingest resumes after the newest stored bar.');
  } else {
    to = lastComplete;
    from = input.latestStored === undefined ? lastComplete - (input.initialBars - 1) * step : input.latestStored + step;
  }
  // Nothing exists before 1970: a huge history or window starts there instead of at a negative time.
  from = Math.max(0, from);
  return {pair, from, to, fetchFrom: Math.max(0, from - (lookback - 1) * step), upToDate: from > to};
}
