import type {Candle} from '../contracts/candle.js';
import type {MmsRecord, TimeRange} from '../contracts/record.js';
import type {SourceErrorKind} from '../errors/source-error.js';
import {formatUtc} from '../time/format-utc.js';
import type {PairWindow} from './plan-ingest.js';

export interface PairResult {
  readonly pair: string;
  readonly status: 'written' | 'up-to-date' | 'failed';
  readonly from: string;
  readonly to: string;
  /** Records upserted (one per bar that had a candle). */
  readonly written: number;
  readonly firstWritten: string | null;
  readonly lastWritten: string | null;
  /** Runs of bars in [from, to] the source returned no candle for (known once the pair completed). */
  readonly missing: readonly MissingRun[];
  /** Bars in `missing`. */
  readonly missingBars: number;
  /** For `up-to-date`: the newest bar already stored. */
  readonly newestStored?: string;
  readonly requests: number;
  readonly error?: {readonly kind: SourceErrorKind; readonly message: string};
  /** The window queued for `mms retry` when the pair failed. */
  readonly queued?: {readonly from: string; readonly to: string};
  /** Bars the source restated since they were stored (see recheckBars): stored anew, their averages recomputed. */
  readonly restated?: readonly string[];
  /** Stored records before the window rewritten because a restated candle changed their averages. */
  readonly recomputed?: number;
}

export interface MissingRun {
  readonly from: string;
  readonly to: string;
  readonly bars: number;
}

/**
 * What one pair's run fetched and wrote so far. Holes are tracked over the whole fetch, look-back included
 * (a hole there nulls the averages of the first written bars), and kept as runs, so memory does not grow
 * with the range.
 */
export class PairTally {
  requests = 0;
  written = 0;
  private first: number | undefined;
  private last: number | undefined;
  /** The newest bar the source returned, or the one it is known to have no candle through. */
  private seenTo: number | undefined;
  private readonly gaps: Array<[number, number]> = [];
  private readonly restatedBars: Array<{at: number; closeBefore: string; closeAfter: string}> = [];
  private recomputed = 0;
  private savedGaps = 0;

  constructor(
    private readonly w: PairWindow,
    private readonly step: number,
  ) {}

  /**
   * Candles arrive in ascending order from `fetchFrom` on; a jump between two of them is a hole at the
   * source, and so are the bars before the first one (the source has no older candle: a pair listed less
   * than a look-back ago).
   */
  saw(candles: readonly Candle[]): void {
    for (const candle of candles) {
      const expected = this.seenTo === undefined ? this.w.fetchFrom : this.seenTo + this.step;
      if (candle.timestamp > expected) this.gaps.push([expected, candle.timestamp - this.step]);
      this.seenTo = candle.timestamp;
    }
  }

  /** Declares the bars after the newest one seen (from the first fetched when none was), through `to`, a hole (the source has later bars). */
  holeThrough(to: number): void {
    const next = this.seenTo === undefined ? this.w.fetchFrom : this.seenTo + this.step;
    if (next <= to) this.gaps.push([next, to]);
    this.seenTo = to;
  }

  /** Whether holes were found since the ledger last saved them. */
  unsavedHoles(): boolean {
    return this.gaps.length > this.savedGaps;
  }

  markHolesSaved(): void {
    this.savedGaps = this.gaps.length;
  }

  wrote(records: readonly MmsRecord[]): void {
    if (records.length === 0) return;
    this.first ??= records[0]!.timestamp;
    this.last = records.at(-1)!.timestamp;
    this.written += records.length;
  }

  /** Bars the source restated (open time, close before and after), and the stored records before the window rewritten for them. */
  restated(bars: ReadonlyArray<{at: number; closeBefore: string; closeAfter: string}>, recomputed: number): void {
    this.restatedBars.push(...bars);
    this.recomputed += recomputed;
  }

  /** The restatements seen so far, for the ledger. */
  restatements(): ReadonlyArray<{at: number; closeBefore: string; closeAfter: string}> {
    return this.restatedBars;
  }

  /** The bars the source has answered for: from the first fetched to the newest seen. */
  seen(): TimeRange | undefined {
    return this.seenTo === undefined ? undefined : {from: this.w.fetchFrom, to: this.seenTo};
  }

  /** Runs of bars the source has no candle for, over the whole fetch so far. */
  holes(): TimeRange[] {
    return this.gaps.map(([from, to]) => ({from, to}));
  }

  /** The holes before the window, in the look-back only. */
  lookbackHoles(): TimeRange[] {
    return clip(this.holes(), this.w.fetchFrom, this.w.from - this.step);
  }

  result(status: PairResult['status'], error?: PairResult['error'], queued?: TimeRange): PairResult {
    const missing = clip(this.holes(), this.w.from, this.w.to).map(({from, to}) => ({
      from: formatUtc(from),
      to: formatUtc(to),
      bars: (to - from) / this.step + 1,
    }));
    return {
      pair: this.w.pair,
      status,
      from: formatUtc(this.w.from),
      to: formatUtc(this.w.to),
      written: this.written,
      firstWritten: this.first === undefined ? null : formatUtc(this.first),
      lastWritten: this.last === undefined ? null : formatUtc(this.last),
      missing,
      missingBars: missing.reduce((n, m) => n + m.bars, 0),
      ...(status === 'up-to-date' ? {newestStored: formatUtc(this.w.from - this.step)} : {}),
      requests: this.requests,
      ...(error ? {error} : {}),
      ...(queued ? {queued: {from: formatUtc(queued.from), to: formatUtc(queued.to)}} : {}),
      ...(this.restatedBars.length > 0 ? {restated: this.restatedBars.map((r) => formatUtc(r.at)), recomputed: this.recomputed} : {}),
    };
  }
}

/** The parts of `ranges` inside [from, to]. */
function clip(ranges: readonly TimeRange[], from: number, to: number): TimeRange[] {
  return ranges.filter((r) => r.to >= from && r.from <= to).map((r) => ({from: Math.max(r.from, from), to: Math.min(r.to, to)}));
}
