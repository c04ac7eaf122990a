import type {Collection, Document} from 'mongodb';
import {EMPTY_LEDGER, type LedgerState, type StateStore} from '../../src/core/contracts/state-store.js';
import {SinkError} from '../../src/core/errors/sink-error.js';

const LEDGER_ID = 'ledger';

/** The ledger as one document of the state collection, beside the data in the same database. */
export class MongodbStateStore implements StateStore {
  constructor(
    readonly location: string,
    private readonly collection: () => Promise<Collection<Document>>,
  ) {}

  async load(): Promise<LedgerState> {
    const document = await (await this.collection()).findOne({_id: LEDGER_ID as never}, {projection: {_id: 0}});
    if (!document) return EMPTY_LEDGER;
    const state = document as Partial<LedgerState>;
    if (state.version !== 1 || !Array.isArray(state.failures) || !Array.isArray(state.holes)) {
      throw new SinkError(`${this.location}: the "ledger" document is not an mms state (version 1 with "failures" and "holes"); fix or delete it.`);
    }
    return state as LedgerState;
  }

  async save(state: LedgerState): Promise<void> {
    await (await this.collection()).replaceOne({_id: LEDGER_ID as never}, {...state}, {upsert: true});
  }
}
