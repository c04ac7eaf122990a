import type {CandleStore} from './candle-store.js';
import type {MmsRecord, TimeRange} from './record.js';
import type {HeldLock, LockOwner, StateStore} from './state-store.js';

/**
 * Where records go. Writes are idempotent upserts keyed by (pair, timestamp): writing the same records
 * twice, or overlapping ranges, never duplicates or loses a row.
 */
export interface Sink {
  readonly name: string;
  upsert(records: readonly MmsRecord[]): Promise<void>;
  /** Open time of the newest stored record of `pair`, or undefined when there is none. */
  latestTimestamp(pair: string): Promise<number | undefined>;
  /**
   * Open time of the oldest stored record of `pair`. Optional: `mms copy` streams a store from there, page by
   * page; without it, it lists the pair's timestamps once to find where to start.
   */
  earliestTimestamp?(pair: string): Promise<number | undefined>;
  /**
   * How many records of `pair` lie in the range (with `complete`, only those whose listed fields all hold a
   * value), counted by the store. Optional: `mms status` counts `listTimestamps` instead, which reads them.
   */
  countRecords?(pair: string, range: TimeRange, complete?: readonly string[]): Promise<number>;
  /** Records of `pair` with `from <= timestamp <= to`, ascending. */
  readRange(pair: string, range: TimeRange): Promise<MmsRecord[]>;
  /**
   * Just the stored timestamps of `pair` in the range, ascending (what a missing-day check needs). With
   * `complete`, only those whose listed fields all hold a value (not null).
   */
  listTimestamps(pair: string, range: TimeRange, complete?: readonly string[]): Promise<number[]>;
  /**
   * Where the run state (failed windows, source holes) lives beside the data. Without it, mms keeps the
   * state in `mms.state.json` next to the config file (shared safely by runs of disjoint pairs).
   */
  stateStore?(): StateStore;
  /**
   * Where the raw candles live beside the records (optional): every run stores the candles it fetched
   * there, before the records made from them. A sink without it keeps records only, and `mms verify` and
   * `mms recompute` say they cannot run on it.
   */
  candleStore?(): CandleStore;
  /**
   * A value that changes whenever the stored data may have changed, by any writer (optional). Readers that
   * keep a copy — `mms serve` reloads every few seconds — skip the reload while it stays the same.
   */
  dataVersion?(): Promise<string | number>;
  /**
   * Exclusive write access to the (sink, pair) partitions of `pairs` for one run: runs of disjoint pairs
   * may proceed in parallel, two runs of one pair never interleave. Throws LockedError while another run
   * holds any of them, and takes over a lock whose holder died. A store that is written as one unit (a
   * single file) locks all of itself whatever the pairs. Without it, mms locks per-pair files beside its
   * state file instead.
   */
  lock?(owner: LockOwner, pairs: readonly string[]): Promise<HeldLock>;
  close?(): Promise<void>;
}
