import type {MmsRecord, TimeRange} from './record.js';

/**
 * Where records go. Writes are idempotent upserts keyed by (pair, timestamp): writing the same records
 * twice, or overlapping ranges, never duplicates or loses a row.
 */
export interface Sink {
  readonly name: string;
  upsert(records: readonly MmsRecord[]): Promise<void>;
  /** Open time of the newest stored record of `pair`, or undefined when there is none. */
  latestTimestamp(pair: string): Promise<number | undefined>;
  /** Records of `pair` with `from <= timestamp <= to`, ascending. */
  readRange(pair: string, range: TimeRange): Promise<MmsRecord[]>;
  close?(): Promise<void>;
}
