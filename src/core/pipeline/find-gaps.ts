import type {GapCause} from '../contracts/alarm.js';
import type {TimeRange} from '../contracts/record.js';

export interface GapInput {
  readonly range: TimeRange;
  readonly step: number;
  /** Stored bar open times in the range. */
  readonly stored: readonly number[];
  /** The stored ones whose configured fields all hold a value. */
  readonly complete: readonly number[];
  /** Bars the source was seen to have no candle for. */
  readonly sourceHoles: readonly TimeRange[];
  /** Bars queued in the ledger after a failed run. */
  readonly queued: readonly TimeRange[];
  /** Bars a record's windows reach back over (the current one included). */
  readonly lookback: number;
}

export type IncompleteCause = 'no-candle-at-source' | 'history-missing';

export interface GapRuns {
  readonly missing: Array<TimeRange & {cause: GapCause}>;
  readonly incomplete: Array<TimeRange & {cause: IncompleteCause}>;
}

/** Every bar of the range is stored and complete, stored and incomplete, or missing (and why): as runs. */
export function findGaps(input: GapInput): GapRuns {
  const {range, step} = input;
  const stored = new Set(input.stored);
  const complete = new Set(input.complete);
  const within = (t: number, ranges: readonly TimeRange[]) => ranges.some((r) => t >= r.from && t <= r.to);
  const reaches = (t: number, ranges: readonly TimeRange[]) => ranges.some((r) => r.to >= t - (input.lookback - 1) * step && r.from <= t);
  const missing: Array<TimeRange & {cause: GapCause}> = [];
  const incomplete: Array<TimeRange & {cause: IncompleteCause}> = [];
  for (let t = range.from; t <= range.to; t += step) {
    if (complete.has(t)) continue;
    if (stored.has(t)) {
      extend(incomplete, t, step, {cause: reaches(t, input.sourceHoles) ? 'no-candle-at-source' : 'history-missing'});
      continue;
    }
    const cause: GapCause = within(t, input.sourceHoles) ? 'no-candle-at-source' : within(t, input.queued) ? 'ingest-failed' : 'not-ingested';
    extend(missing, t, step, {cause});
  }
  return {missing, incomplete};
}

/** Appends bar `t` to the last run when it continues it with the same properties, else starts a run. */
function extend<T extends TimeRange>(runs: T[], t: number, step: number, properties: Omit<T, 'from' | 'to'>): void {
  const last = runs.at(-1);
  if (last && last.to + step === t && Object.entries(properties).every(([k, v]) => (last as Record<string, unknown>)[k] === v)) {
    (last as {to: number}).to = t;
    return;
  }
  runs.push({...properties, from: t, to: t} as T);
}
