import type {SourceErrorKind} from '../errors/source-error.js';
import type {Resolution} from './resolution.js';

/** A window of one pair that could not be ingested, kept until a later run writes it. */
export interface FailedWindow {
  readonly pair: string;
  readonly resolution: Resolution;
  /** First and last bar of the window still to write (inclusive, Unix seconds). */
  readonly from: number;
  readonly to: number;
  /** Why it failed, or `gap`: queued by `mms gaps --enqueue` for a window found missing or incomplete. */
  readonly kind: SourceErrorKind | 'gap';
  readonly message: string;
  /** Runs that tried this window and failed. */
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastTriedAt: string;
  readonly status: 'pending' | 'resolved';
  readonly resolvedAt?: string;
}

/** Bars the source answered without a candle for (a day without trades): not a failure, not to retry. */
export interface SourceHole {
  readonly pair: string;
  readonly resolution: Resolution;
  readonly from: number;
  readonly to: number;
  readonly seenAt: string;
}

/** A bar the source restated after it was stored (a late trade, a correction): stored anew, its averages recomputed. */
export interface RestatedBar {
  readonly pair: string;
  readonly resolution: Resolution;
  /** The bar's open time (Unix seconds). */
  readonly at: number;
  /** Its close as stored before, and as the source gives it now (decimal text). */
  readonly closeBefore: string;
  readonly closeAfter: string;
  readonly seenAt: string;
}

export interface LedgerState {
  readonly version: 1;
  readonly failures: readonly FailedWindow[];
  readonly holes: readonly SourceHole[];
  /** The restatements seen, newest kept (`mms gaps` reports those of its period). A store may leave it out. */
  readonly restated?: readonly RestatedBar[];
}

export const EMPTY_LEDGER: LedgerState = {version: 1, failures: [], holes: []};

/** One run of a command that writes the store (`ingest`, `retry`, `recompute`, `copy`), as `mms status` shows it. */
export interface RunRecord {
  /** Unique: the start time, host and process id. */
  readonly id: string;
  /** `ingest`, `retry`, `recompute` or `copy`. */
  readonly command: string;
  /** Its flags as given, credentials redacted. */
  readonly args: readonly string[];
  readonly pairs: readonly string[];
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** Absent while the run is under way, and for ever when it was killed before it could end. */
  readonly endedAt?: string;
  readonly outcome?: 'ok' | 'partial' | 'failed' | 'interrupted';
  readonly exitCode?: number;
  /** Records written (or copied), and HTTP requests sent, when the command counts them. */
  readonly written?: number;
  readonly requests?: number;
  readonly error?: string;
}

/**
 * Where a run's state lives, beside the data (a JSON file next to the JSON sink, a collection next to a
 * database sink). State is partitioned by pair like the locks: a run saves only the pairs it holds, so runs
 * of disjoint pairs share one store without overwriting each other's entries.
 */
export interface StateStore {
  /** Human-readable location for messages, credentials redacted. */
  readonly location: string;
  /** The entries of every pair. */
  load(): Promise<LedgerState>;
  /** Replaces what is stored for `pairs` with their entries in `state`; other pairs' entries stay as stored. */
  save(state: LedgerState, pairs: readonly string[]): Promise<void>;
  /**
   * Stores `run`, replacing the one with its id (its start is recorded, then its end), and drops the oldest
   * runs past the newest RUNS_KEPT (1,000). Optional: without it, no run history is kept.
   */
  recordRun?(run: RunRecord): Promise<void>;
  /** The newest `limit` runs, newest first. */
  runs?(limit: number): Promise<RunRecord[]>;
}

/** Runs a state store keeps: the newest, by start time. */
export const RUNS_KEPT = 1000;

/** Who holds a run lock, for the message the next run shows. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
}

/** A run's hold on the locks it took with `Sink.lock`. */
export interface HeldLock {
  /**
   * Whether every lock is still this run's. False once another run took one over — this run was paused
   * or cut off past the stale limit — and then this run must write nothing more.
   */
  held(): Promise<boolean>;
  /** Gives back what is still this run's; never another run's lock. */
  release(): Promise<void>;
}
