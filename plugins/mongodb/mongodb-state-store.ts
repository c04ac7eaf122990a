import type {Collection, Document} from 'mongodb';
import {
  type FailedWindow,
  type LedgerState,
  type RestatedBar,
  RUNS_KEPT,
  type RunRecord,
  SinkError,
  type SourceHole,
  type StateStore,
} from '../../src/index.js';

const KIND = 'ledger';
const RUN_KIND = 'run';

interface PairLedgerDocument {
  readonly kind: typeof KIND;
  readonly version: 1;
  readonly pair: string;
  readonly failures: readonly FailedWindow[];
  readonly holes: readonly SourceHole[];
  readonly restated?: readonly RestatedBar[];
}

/**
 * The ledger as one document per pair, `{_id: "ledger:<pair>"}`, in the state collection beside the data:
 * a run replaces only the documents of the pairs it holds locks for, so runs of disjoint pairs never
 * overwrite each other's entries.
 */
export class MongodbStateStore implements StateStore {
  constructor(
    readonly location: string,
    private readonly collection: () => Promise<Collection<Document>>,
  ) {}

  async load(): Promise<LedgerState> {
    const collection = await this.collection();
    const documents = (await collection.find({kind: KIND}, {projection: {_id: 0}}).toArray()) as unknown as Array<Partial<PairLedgerDocument>>;
    const failures: FailedWindow[] = [];
    const holes: SourceHole[] = [];
    const restated: RestatedBar[] = [];
    for (const document of documents.sort((a, b) => String(a.pair).localeCompare(String(b.pair)))) {
      if (document.version !== 1 || typeof document.pair !== 'string' || !Array.isArray(document.failures) || !Array.isArray(document.holes)) {
        throw new SinkError(
          `${this.location}: the ledger document of pair ${String(document.pair)} is not an mms state (version 1 with "pair", "failures" and "holes"); fix or delete it.`,
        );
      }
      failures.push(...document.failures);
      holes.push(...document.holes);
      restated.push(...(Array.isArray(document.restated) ? document.restated : []));
    }
    return {version: 1, failures, holes, ...(restated.length > 0 ? {restated} : {})};
  }

  /** A run is a document `{_id: "run:<id>", kind: "run", ...}`; past the newest RUNS_KEPT, the oldest go. */
  async recordRun(run: RunRecord): Promise<void> {
    const collection = await this.collection();
    await collection.replaceOne({_id: `run:${run.id}` as never}, {kind: RUN_KIND, ...run}, {upsert: true});
    const old = await collection
      .find({kind: RUN_KIND}, {projection: {_id: 1}})
      .sort({startedAt: -1, id: -1})
      .skip(RUNS_KEPT)
      .toArray();
    if (old.length > 0) await collection.deleteMany({_id: {$in: old.map((d) => d._id)}});
  }

  async runs(limit: number): Promise<RunRecord[]> {
    const collection = await this.collection();
    const documents = await collection
      .find({kind: RUN_KIND}, {projection: {_id: 0, kind: 0}})
      .sort({startedAt: -1, id: -1})
      .limit(limit)
      .toArray();
    return documents as unknown as RunRecord[];
  }

  async save(state: LedgerState, pairs: readonly string[]): Promise<void> {
    const collection = await this.collection();
    for (const pair of pairs) {
      const document: PairLedgerDocument = {
        kind: KIND,
        version: 1,
        pair,
        failures: state.failures.filter((f) => f.pair === pair),
        holes: state.holes.filter((h) => h.pair === pair),
        restated: (state.restated ?? []).filter((r) => r.pair === pair),
      };
      await collection.replaceOne({_id: `ledger:${pair}` as never}, document, {upsert: true});
    }
  }
}
