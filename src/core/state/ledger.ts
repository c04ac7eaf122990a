import type {TimeRange} from '../contracts/record.js';
import type {Resolution} from '../contracts/resolution.js';
import type {FailedWindow, LedgerState, StateStore} from '../contracts/state-store.js';
import {adoptEntries, clearFailures, type Failure, pendingFailures, recordFailure, recordHoles, recordRestated, resolveRange} from './ledger-operations.js';

/**
 * The failed-window ledger and the source holes, kept in the sink's state store. Every change is a
 * load → pure update → save of the pairs it touched, made while the run holds those pairs' locks.
 */
export class Ledger {
  constructor(
    private readonly store: StateStore,
    private readonly step: number,
    private readonly now: () => string,
  ) {}

  get location(): string {
    return this.store.location;
  }

  async read(): Promise<LedgerState> {
    return this.store.load();
  }

  async pending(): Promise<FailedWindow[]> {
    return pendingFailures(await this.store.load());
  }

  /**
   * After a pair's run: what it wrote resolves queued windows, what it could not write is queued, and the
   * holes replace what was known of the bars the source answered for: `seen` (the look-back included, since
   * a hole there nulls the averages after it); nothing when the source answered for no bar.
   */
  async settle(outcome: {
    pair: string;
    resolution: Resolution;
    written?: TimeRange;
    seen?: TimeRange;
    holes: readonly TimeRange[];
    failure?: Omit<Failure, 'pair' | 'resolution'>;
    /** Bars the source restated, stored anew: their open time and close before and after. */
    restated?: ReadonlyArray<{at: number; closeBefore: string; closeAfter: string}>;
  }): Promise<void> {
    const {pair, resolution} = outcome;
    const now = this.now();
    let state = await this.store.load();
    const before = state;
    if (outcome.written) state = resolveRange(state, pair, resolution, outcome.written, this.step, now);
    if (outcome.seen) state = recordHoles(state, pair, resolution, outcome.seen, outcome.holes, this.step, now);
    if (outcome.failure) state = recordFailure(state, {pair, resolution, ...outcome.failure}, this.step, now);
    if (outcome.restated)
      state = recordRestated(
        state,
        outcome.restated.map((r) => ({pair, resolution, ...r, seenAt: now})),
      );
    if (state !== before) await this.store.save(state, [pair]);
  }

  /** Takes another store's pending windows and holes of `pair` (mms copy; the caller holds the lock). */
  async adopt(entries: Pick<LedgerState, 'failures' | 'holes'>, pair: string): Promise<void> {
    const state = await this.store.load();
    const next = adoptEntries(state, pair, entries, this.step);
    if (next !== state) await this.store.save(next, [pair]);
  }

  /** Queues one window for `mms retry` (the caller holds the lock). */
  async queue(failure: Failure): Promise<void> {
    await this.store.save(recordFailure(await this.store.load(), failure, this.step, this.now()), [failure.pair]);
  }

  /** Drops every failed window of `pairs` (the caller holds their locks). */
  async clear(pairs: readonly string[]): Promise<number> {
    const {state, removed} = clearFailures(await this.store.load(), pairs);
    if (removed > 0) await this.store.save(state, pairs);
    return removed;
  }
}
