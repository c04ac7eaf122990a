import type {AnyBulkWriteOperation, Collection, Document} from 'mongodb';
import {type Candle, type CandleStore, formatUtc, SinkError, type TimeRange} from '../../src/index.js';
import {candleFromStored, storedValue, unwrittenCandle} from '../../src/plugin-kit.js';

const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * The raw candles in a collection of their own: one document per (pair, timestamp), `{pair, timestamp,
 * date, open, high, low, close, volume}`, each value a double, or the decimal string received when a double
 * cannot hold every digit of it (a price such as 123456789012.12345678), on a unique {pair, timestamp} index.
 */
export class MongodbCandleStore implements CandleStore {
  private indexed: Promise<string> | undefined;

  constructor(
    private readonly where: string,
    private readonly step: number,
    private readonly batchSize: number,
    private readonly run: <T>(action: string, work: (candles: Collection<Document>) => Promise<T>) => Promise<T>,
  ) {}

  async upsertCandles(pair: string, candles: readonly Candle[]): Promise<void> {
    if (candles.length === 0) return;
    await this.run('write candles', async (collection) => {
      this.indexed ??= collection.createIndex({pair: 1, timestamp: 1}, {unique: true, name: 'pair_timestamp'}).catch((error: unknown) => {
        this.indexed = undefined;
        throw error;
      });
      await this.indexed;
      for (let i = 0; i < candles.length; i += this.batchSize) {
        const operations: AnyBulkWriteOperation<Document>[] = candles.slice(i, i + this.batchSize).map((candle) => ({
          replaceOne: {
            filter: {pair, timestamp: candle.timestamp},
            replacement: {
              pair,
              timestamp: candle.timestamp,
              date: new Date(candle.timestamp * 1000),
              ...Object.fromEntries(VALUES.map((key) => [key, storedValue(candle, key)])),
            },
            upsert: true,
          },
        }));
        await collection.bulkWrite(operations, {ordered: false});
      }
    });
  }

  async readCandles(pair: string, range: TimeRange): Promise<Candle[]> {
    const documents = await this.run('read candles', (collection) =>
      collection
        .find({pair, timestamp: {$gte: range.from, $lte: range.to}}, {projection: {_id: 0, timestamp: 1, open: 1, high: 1, low: 1, close: 1, volume: 1}})
        .sort({timestamp: 1})
        .toArray(),
    );
    return documents.map((document) => {
      const values = document as unknown as Record<(typeof VALUES)[number], number | string> & {timestamp: number};
      const wrong = unwrittenCandle(values.timestamp, values, this.step);
      if (wrong) {
        const day = typeof values.timestamp === 'number' ? formatUtc(values.timestamp) : String(values.timestamp);
        throw new SinkError(`mongodb: ${this.where}: the candle of ${pair} ${day} has ${wrong}. Fix the document, or delete it and load that day again.`);
      }
      return candleFromStored(values.timestamp, values);
    });
  }
}
