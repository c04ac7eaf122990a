import {readFile} from 'node:fs/promises';
import {EMPTY_LEDGER, type LedgerState, type StateStore} from '../contracts/state-store.js';
import {SinkError} from '../errors/sink-error.js';
import {writeFileAtomic} from '../fs/write-file-atomic.js';

/** The ledger as one JSON file, replaced atomically on every save. */
export class FileStateStore implements StateStore {
  constructor(readonly location: string) {}

  async load(): Promise<LedgerState> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_LEDGER;
      throw new SinkError(`state file ${this.location} cannot be read (${(error as Error).message}).`, {cause: error});
    }
    let state: Partial<LedgerState>;
    try {
      state = JSON.parse(text) as Partial<LedgerState>;
    } catch (error) {
      throw new SinkError(`state file ${this.location} is not valid JSON (${(error as Error).message}); fix it, or move it away to forget the queued retries.`, {cause: error});
    }
    if (state.version !== 1 || !Array.isArray(state.failures) || !Array.isArray(state.holes)) {
      throw new SinkError(`state file ${this.location} is not an mms state file (version 1 with "failures" and "holes"); fix it, or move it away.`);
    }
    return state as LedgerState;
  }

  async save(state: LedgerState): Promise<void> {
    try {
      await writeFileAtomic(this.location, `${JSON.stringify(state, null, 2)}\n`);
    } catch (error) {
      throw new SinkError(`state file ${this.location} cannot be written (${(error as Error).message}).`, {cause: error});
    }
  }
}
