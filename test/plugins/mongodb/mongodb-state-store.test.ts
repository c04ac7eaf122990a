import test from 'ava';
import {MongoClient} from 'mongodb';
import {mongodbConfigSchema} from '../../../plugins/mongodb/config-schema.js';
import {MongodbSink} from '../../../plugins/mongodb/mongodb-sink.js';
import type {FailedWindow, LedgerState} from '../../../src/core/contracts/state-store.js';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';

const failure = (pair: string, from: number): FailedWindow => ({
  pair,
  resolution: '1d',
  from,
  to: from,
  kind: 'transient',
  message: `${pair}: 503`,
  attempts: 1,
  firstFailedAt: '2022-04-25T03:00:00.000Z',
  lastTriedAt: '2022-04-25T03:00:00.000Z',
  status: 'pending',
});

test('pending windows of a ledger written as one document by an earlier mms survive the upgrade, pair by pair', async (t) => {
  const server = await startMockMongodb(t);
  const client = await MongoClient.connect(server.url, {serverSelectionTimeoutMS: 10_000});
  t.teardown(() => client.close());
  const legacy: LedgerState = {
    version: 1,
    failures: [failure('BRLBTC', 1_650_758_400), failure('BRLETH', 1_650_758_400)],
    holes: [{pair: 'BRLETH', resolution: '1d', from: 1_650_672_000, to: 1_650_672_000, seenAt: '2022-04-25T03:00:00.000Z'}],
  };
  await client
    .db('mms')
    .collection('mms_state')
    .insertOne({_id: 'ledger' as never, ...legacy});
  const sink = new MongodbSink(mongodbConfigSchema.parse({url: server.url, database: 'mms', collection: 'mms', serverSelectionTimeoutMs: 10_000}));
  t.teardown(() => sink.close());
  const store = sink.stateStore();

  t.deepEqual(await store.load(), legacy, 'read as the earlier mms wrote it');
  // A run of BRLBTC retries its window: BRLBTC's entries move into its own document, resolved.
  const resolved = {...legacy.failures[0]!, status: 'resolved' as const, resolvedAt: '2022-04-26T03:00:00.000Z'};
  await store.save({version: 1, failures: [resolved, legacy.failures[1]!], holes: legacy.holes}, ['BRLBTC']);
  const after = await store.load();
  t.deepEqual(
    after.failures.map((f) => [f.pair, f.status]),
    [
      ['BRLBTC', 'resolved'],
      ['BRLETH', 'pending'],
    ],
    'BRLBTC from its own document (not again from the old one), BRLETH still from the old one',
  );
  t.deepEqual(after.holes, legacy.holes);
});
