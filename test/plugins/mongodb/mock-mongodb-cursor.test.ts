import test from 'ava';
import {MongoClient} from 'mongodb';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';

/** The driver itself against the mock: what the mongodb sink's tests rely on the mock to do like a server. */
async function seeded(t: import('ava').ExecutionContext, n: number, options: {maxBatchBytes?: number} = {}) {
  const server = await startMockMongodb(t, options);
  const client = await MongoClient.connect(server.url, {serverSelectionTimeoutMS: 10_000});
  t.teardown(() => client.close());
  const collection = client.db('mms').collection('c');
  await collection.insertMany(Array.from({length: n}, (_, i) => ({pair: 'BRLBTC', timestamp: i})));
  server.commands.length = 0;
  return {server, collection};
}

const names = (commands: Array<Record<string, unknown>>) => commands.map((c) => Object.keys(c)[0]);

test('the mock pages a find like a server: batchSize documents first, then getMore until the cursor is exhausted', async (t) => {
  const {server, collection} = await seeded(t, 35);
  const read = await collection.find({}, {batchSize: 10}).sort({timestamp: 1}).toArray();
  t.deepEqual(
    read.map((d) => d.timestamp),
    Array.from({length: 35}, (_, i) => i),
  );
  t.deepEqual(names(server.commands), ['find', 'getMore', 'getMore', 'getMore']);
  t.like(server.commands[1], {collection: 'c', batchSize: 10});
});

test('without batchSize the first batch is 101 documents and one getMore brings the rest', async (t) => {
  const {server, collection} = await seeded(t, 250);
  t.is((await collection.find({}).toArray()).length, 250);
  t.deepEqual(names(server.commands), ['find', 'getMore']);
});

test('a reply stays under the byte cap, so a large read takes several getMores whatever the batch size', async (t) => {
  // ~40 bytes a document: 5 per 200-byte reply after the first batch.
  const {server, collection} = await seeded(t, 120, {maxBatchBytes: 200});
  t.is((await collection.find({}).toArray()).length, 120);
  t.true(names(server.commands).filter((n) => n === 'getMore').length >= 4, names(server.commands).join(' '));
});

test('a cursor left before its end is killed, and a limit met by the first batch opens none', async (t) => {
  const {server, collection} = await seeded(t, 30);
  const cursor = collection.find({}, {batchSize: 5});
  t.truthy(await cursor.next());
  await cursor.close();
  t.deepEqual(names(server.commands), ['find', 'killCursors']);
  server.commands.length = 0;
  t.is((await collection.find({}).limit(3).toArray()).length, 3);
  t.deepEqual(names(server.commands), ['find']);
});
