import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';
import {EMPTY_LEDGER, type LedgerState, RUNS_KEPT, type RunRecord, type StateStore} from '../contracts/state-store.js';
import {LockedError} from '../errors/locked-error.js';
import {SinkError} from '../errors/sink-error.js';
import {writeFileAtomic} from '../fs/write-file-atomic.js';
import {acquireFileLock} from './file-lock.js';
import {lockOwner} from './lock-holder.js';

/** How long a save waits for another run's save of the same file (each takes milliseconds). */
const SAVE_WAIT_MS = 10_000;

/**
 * The ledger as one JSON file, replaced atomically on every save. Runs of disjoint pairs may share the
 * file, so a save re-reads it and replaces only its own pairs' entries, holding a short write lock for
 * that read-merge-replace.
 */
export class FileStateStore implements StateStore {
  constructor(readonly location: string) {}

  async load(): Promise<LedgerState> {
    const {runs: _runs, ...state} = await this.read();
    return state;
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.update((stored) => ({...stored, runs: [...(stored.runs ?? []).filter((r) => r.id !== run.id), run].sort(byStart).slice(-RUNS_KEPT)}));
  }

  async runs(limit: number): Promise<RunRecord[]> {
    return [...((await this.read()).runs ?? [])].sort(byStart).reverse().slice(0, limit);
  }

  /** The whole file: the ledger and the run history. */
  private async read(): Promise<StoredState> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_LEDGER;
      throw new SinkError(`state file ${this.location} cannot be read (${(error as Error).message}).`, {cause: error});
    }
    let state: Partial<StoredState>;
    try {
      state = JSON.parse(text) as Partial<StoredState>;
    } catch (error) {
      throw new SinkError(
        `state file ${this.location} is not valid JSON (${(error as Error).message}); fix it, or move it away to forget the queued retries.`,
        {cause: error},
      );
    }
    if (
      state.version !== 1 ||
      !Array.isArray(state.failures) ||
      !Array.isArray(state.holes) ||
      !(state.restated === undefined || Array.isArray(state.restated)) ||
      !(state.runs === undefined || Array.isArray(state.runs))
    ) {
      throw new SinkError(`state file ${this.location} is not an mms state file (version 1 with "failures" and "holes"); fix it, or move it away.`);
    }
    return state as StoredState;
  }

  async save(state: LedgerState, pairs: readonly string[]): Promise<void> {
    await this.update((stored) => {
      const merged = mergePairs(stored, state, pairs);
      return stored.runs === undefined ? merged : {...merged, runs: stored.runs};
    });
  }

  /** Read, change, replace, under the file's short write lock. */
  private async update(change: (stored: StoredState) => StoredState): Promise<void> {
    const lock = await this.writeLock();
    try {
      const next = change(await this.read());
      await writeFileAtomic(this.location, `${JSON.stringify(next, null, 2)}\n`);
    } catch (error) {
      if (error instanceof SinkError) throw error;
      throw new SinkError(`state file ${this.location} cannot be written (${(error as Error).message}).`, {cause: error});
    } finally {
      await lock.release();
    }
  }

  private async writeLock() {
    const deadline = Date.now() + SAVE_WAIT_MS;
    for (;;) {
      try {
        return await acquireFileLock(`${this.location}.write.lock`, lockOwner('saving the run state'), `state file ${this.location}`);
      } catch (error) {
        if (!(error instanceof LockedError) || Date.now() > deadline) throw error;
        await sleep(5 + Math.random() * 20);
      }
    }
  }
}

/** The state file: the ledger, and the run history beside it. */
type StoredState = LedgerState & {readonly runs?: readonly RunRecord[]};

function byStart(a: RunRecord, b: RunRecord): number {
  return a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id);
}

/** `stored` with the entries of `pairs` replaced by those in `update`. */
function mergePairs(stored: LedgerState, update: LedgerState, pairs: readonly string[]): LedgerState {
  const mine = new Set(pairs);
  const merged: LedgerState = {
    version: 1,
    failures: [...stored.failures.filter((f) => !mine.has(f.pair)), ...update.failures.filter((f) => mine.has(f.pair))],
    holes: [...stored.holes.filter((h) => !mine.has(h.pair)), ...update.holes.filter((h) => mine.has(h.pair))].sort(
      (a, b) => a.pair.localeCompare(b.pair) || a.from - b.from,
    ),
  };
  const restated = [...(stored.restated ?? []).filter((r) => !mine.has(r.pair)), ...(update.restated ?? []).filter((r) => mine.has(r.pair))];
  return restated.length > 0 ? {...merged, restated} : merged;
}
