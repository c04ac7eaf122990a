import type {Resolution} from './resolution.js';

/**
 * Why bars are missing: the source answered without a candle (`no-candle-at-source`, a day without
 * trades), a run failed and queued them (`ingest-failed`), or no run ever wrote them (`not-ingested`).
 */
export type GapCause = 'no-candle-at-source' | 'ingest-failed' | 'not-ingested';

export interface GapRun {
  readonly from: string;
  readonly to: string;
  readonly bars: number;
}

export interface PairGaps {
  readonly pair: string;
  /** Bars with no stored record, in runs. */
  readonly missing: ReadonlyArray<GapRun & {readonly cause: GapCause}>;
  /**
   * Bars stored with a configured field null (a window without its full history): `no-candle-at-source`
   * when the window reaches a bar the source has no candle for (expected, not repairable), else
   * `history-missing` (a retry can recompute it once the history is stored).
   */
  readonly incomplete: ReadonlyArray<GapRun & {readonly cause: 'no-candle-at-source' | 'history-missing'}>;
  readonly missingBars: number;
  readonly incompleteBars: number;
  /**
   * Only with `mms gaps --accept-source-holes`: the runs (missing or incomplete) whose only cause is a bar
   * the source has no candle for, moved out of `missing`/`incomplete` — still reported, never alarming.
   */
  readonly accepted?: ReadonlyArray<GapRun & {readonly kind: 'missing' | 'incomplete'; readonly cause: 'no-candle-at-source'}>;
  /** Bars in `accepted`. */
  readonly acceptedBars?: number;
  /**
   * Bars of the period the source restated after they were stored (a late trade, a correction): stored
   * anew, their averages recomputed by the run that saw it. Reported, never alarming by themselves.
   */
  readonly restated?: ReadonlyArray<{readonly day: string; readonly closeBefore: string; readonly closeAfter: string; readonly seenAt: string}>;
}

/** What `mms gaps` found, and what an alarm receives. */
export interface GapReport {
  /** True when nothing is missing or incomplete (apart from `accepted` runs). */
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly resolution: Resolution;
  /** The period checked: N days ending with the last complete bar (yesterday for daily bars). */
  readonly period: {readonly from: string; readonly to: string; readonly days: number; readonly bars: number};
  readonly fields: readonly string[];
  readonly pairs: readonly PairGaps[];
  /** The report in a few lines of plain text (what a chat message or a log line shows). */
  readonly text: string;
}

/** Raised by `mms gaps` when something is missing, once per run, with the whole report. */
export interface Alarm {
  readonly name: string;
  fire(report: GapReport): Promise<void>;
}
