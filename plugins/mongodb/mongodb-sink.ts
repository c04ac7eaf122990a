import {type AnyBulkWriteOperation, type Collection, type Document, MongoClient} from 'mongodb';
import {
  type CandleStore,
  type HeldLock,
  type LockOwner,
  type MmsRecord,
  type Resolution,
  redactUrl,
  resolutionSeconds,
  type Sink,
  type StateStore,
  type TimeRange,
} from '../../src/index.js';
import type {MongodbConfig} from './config-schema.js';
import {describeMongoError} from './describe-mongo-error.js';
import {MongodbCandleStore} from './mongodb-candle-store.js';
import {acquireMongodbLocks} from './mongodb-lock.js';
import {MongodbStateStore} from './mongodb-state-store.js';

interface Collections {
  readonly data: Collection<Document>;
  readonly state: Collection<Document>;
  readonly candles: Collection<Document>;
}

/** Fields the sink adds for people querying by date, and strips again on the way out. */
const INTERNAL_FIELDS = {_id: 0, date: 0} as const;

/**
 * One document per (pair, timestamp): `{pair, timestamp, date, close, mms_20, ...}`, `timestamp` in Unix
 * seconds and `date` the same instant as a BSON date. A unique index on {pair, timestamp} makes upserts
 * idempotent and serves every read; it is created (idempotently) before the first write. One client per
 * run, connected on first use.
 */
export class MongodbSink implements Sink {
  readonly name = 'mongodb';
  private client: MongoClient | undefined;
  private ready: Promise<Collections> | undefined;
  private indexed: Promise<string> | undefined;

  constructor(
    readonly config: MongodbConfig,
    /** The bar size of the store: stored candles must sit on its grid. */
    private readonly resolution: Resolution = '1d',
  ) {}

  async upsert(records: readonly MmsRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.run('write records', async ({data}) => {
      // On the write path only: a read-only user (a fleet of `mms serve`) never needs to create it.
      this.indexed ??= data.createIndex({pair: 1, timestamp: 1}, {unique: true, name: 'pair_timestamp'}).catch((error: unknown) => {
        this.indexed = undefined;
        throw error;
      });
      await this.indexed;
      for (let i = 0; i < records.length; i += this.config.batchSize) {
        const operations: AnyBulkWriteOperation<Document>[] = records.slice(i, i + this.config.batchSize).map(({pair, timestamp, ...fields}) => ({
          updateOne: {filter: {pair, timestamp}, update: {$set: {date: new Date(timestamp * 1000), ...fields}}, upsert: true},
        }));
        // Unordered: the batch continues past a failed document, and the error reports every one that failed.
        await data.bulkWrite(operations, {ordered: false});
      }
    });
  }

  async latestTimestamp(pair: string): Promise<number | undefined> {
    return this.run('read the newest record', async ({data}) => {
      const newest = await data
        .find({pair}, {projection: {_id: 0, timestamp: 1}})
        .sort({timestamp: -1})
        .limit(1)
        .next();
      return newest ? (newest.timestamp as number) : undefined;
    });
  }

  async earliestTimestamp(pair: string): Promise<number | undefined> {
    return this.run('read the oldest record', async ({data}) => {
      const oldest = await data
        .find({pair}, {projection: {_id: 0, timestamp: 1}})
        .sort({timestamp: 1})
        .limit(1)
        .next();
      return oldest ? (oldest.timestamp as number) : undefined;
    });
  }

  async readRange(pair: string, range: TimeRange): Promise<MmsRecord[]> {
    return this.run('read records', async ({data}) => {
      const documents = await data
        .find({pair, timestamp: {$gte: range.from, $lte: range.to}}, {projection: INTERNAL_FIELDS})
        .sort({timestamp: 1})
        .toArray();
      return documents as unknown as MmsRecord[];
    });
  }

  async countRecords(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number> {
    return this.run('count stored days', async ({data}) => {
      const filter = {pair, timestamp: {$gte: range.from, $lte: range.to}, ...Object.fromEntries(complete.map((field) => [field, {$ne: null}]))};
      return data.countDocuments(filter);
    });
  }

  async listTimestamps(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number[]> {
    return this.run('list stored days', async ({data}) => {
      // `$ne: null` also excludes a missing field; the {pair, timestamp} index still bounds the scan.
      const filter = {pair, timestamp: {$gte: range.from, $lte: range.to}, ...Object.fromEntries(complete.map((field) => [field, {$ne: null}]))};
      const documents = await data
        .find(filter, {projection: {_id: 0, timestamp: 1}})
        .sort({timestamp: 1})
        .toArray();
      return documents.map((d) => d.timestamp as number);
    });
  }

  stateStore(): StateStore {
    return new MongodbStateStore(`${this.where()} collection ${this.stateCollectionName()}`, () => this.run('read the run state', async ({state}) => state));
  }

  candleStore(): CandleStore {
    return new MongodbCandleStore(
      `${this.where()} collection ${this.candlesCollectionName()}`,
      resolutionSeconds(this.resolution),
      this.config.batchSize,
      (action, work) => this.run(action, ({candles}) => work(candles)),
    );
  }

  async lock(owner: LockOwner, pairs: readonly string[]): Promise<HeldLock> {
    const lock = await this.run('take the run locks', ({state}) => acquireMongodbLocks(state, owner, pairs, `mongodb sink ${this.where()}`));
    return {
      held: () => this.run('check the run locks', () => lock.held()),
      release: () => this.run('release the run locks', () => lock.release()),
    };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.ready = undefined;
    this.indexed = undefined;
    await client?.close();
  }

  private where(): string {
    return `${redactUrl(this.config.url)} database ${this.config.database}`;
  }

  private stateCollectionName(): string {
    return this.config.stateCollection ?? `${this.config.collection}_state`;
  }

  private candlesCollectionName(): string {
    return this.config.candlesCollection ?? `${this.config.collection}_candles`;
  }

  /** Runs `work` on the collections, connecting (and indexing) on first use; errors become SinkErrors. */
  private async run<T>(action: string, work: (collections: Collections) => Promise<T>): Promise<T> {
    try {
      this.ready ??= this.connect();
      return await work(await this.ready);
    } catch (error) {
      throw describeMongoError(error, this.config.url, action);
    }
  }

  private async connect(): Promise<Collections> {
    this.client = new MongoClient(this.config.url, {
      appName: 'mms',
      serverSelectionTimeoutMS: this.config.serverSelectionTimeoutMs,
      connectTimeoutMS: this.config.connectTimeoutMs,
      socketTimeoutMS: this.config.socketTimeoutMs,
    });
    try {
      await this.client.connect();
      const db = this.client.db(this.config.database);
      return {
        data: db.collection(this.config.collection),
        state: db.collection(this.stateCollectionName()),
        candles: db.collection(this.candlesCollectionName()),
      };
    } catch (error) {
      this.ready = undefined;
      await this.client.close().catch(() => undefined);
      throw error;
    }
  }
}
