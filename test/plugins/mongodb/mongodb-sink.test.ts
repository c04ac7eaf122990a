import test from 'ava';
import {mongodbConfigSchema} from '../../../plugins/mongodb/config-schema.js';
import {MongodbSink} from '../../../plugins/mongodb/mongodb-sink.js';
import type {MmsRecord} from '../../../src/core/contracts/record.js';
import {SinkError} from '../../../src/core/errors/sink-error.js';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';

const DAY = 86_400;
const T0 = 1_650_000_000 - (1_650_000_000 % DAY);
const records = (n: number): MmsRecord[] =>
  Array.from({length: n}, (_, i) => ({pair: 'BRLBTC', timestamp: T0 + i * DAY, close: 100 + i, mms_20: i > 2 ? 90 + i : null}));

function sink(url: string, extra: Record<string, unknown> = {}) {
  return new MongodbSink(mongodbConfigSchema.parse({url, database: 'mms', collection: 'mms', serverSelectionTimeoutMs: 10_000, ...extra}));
}

test('the driver is asked for the unique {pair, timestamp} index once, then unordered upserts in batches', async (t) => {
  const server = await startMockMongodb(t);
  const target = sink(server.url, {batchSize: 2});
  t.teardown(() => target.close());
  await target.upsert(records(5));
  await target.upsert(records(1));
  const names = server.commands.map((c) => Object.keys(c)[0]);
  t.deepEqual(names, ['createIndexes', 'update', 'update', 'update', 'update']);
  t.like(server.commands[0], {createIndexes: 'mms', indexes: [{key: {pair: 1, timestamp: 1}, unique: true, name: 'pair_timestamp'}]});
  const updates = server.commands.slice(1, 4);
  for (const update of updates) t.like(update, {update: 'mms', ordered: false});
  const first = ((updates[0]!.updates as {documents?: unknown[]}).documents ?? updates[0]!.updates) as Array<{
    q: unknown;
    u: {$set: Record<string, unknown>};
    upsert: boolean;
  }>;
  t.is(first.length, 2);
  t.deepEqual(first[0]!.q, {pair: 'BRLBTC', timestamp: T0});
  t.true(first[0]!.upsert);
  t.deepEqual(Object.keys(first[0]!.u.$set), ['date', 'close', 'mms_20']);
  t.deepEqual(first[0]!.u.$set.date, new Date(T0 * 1000), 'a BSON date beside the Unix seconds, for querying by date');
});

test('reads go to the index: a range sorted ascending without internal fields, the newest by a descending limit-1 find', async (t) => {
  const server = await startMockMongodb(t);
  const target = sink(server.url);
  t.teardown(() => target.close());
  await target.upsert(records(10));
  t.deepEqual(await target.readRange('BRLBTC', {from: T0 + DAY, to: T0 + 3 * DAY}), records(4).slice(1));
  t.is(await target.latestTimestamp('BRLBTC'), T0 + 9 * DAY);
  t.deepEqual(await target.listTimestamps('BRLBTC', {from: T0, to: T0 + DAY}), [T0, T0 + DAY]);
  const finds = server.commands.filter((c) => 'find' in c);
  t.like(finds[0], {
    find: 'mms',
    filter: {pair: 'BRLBTC', timestamp: {$gte: T0 + DAY, $lte: T0 + 3 * DAY}},
    sort: {timestamp: 1},
    projection: {_id: 0, date: 0},
  });
  t.like(finds[1], {filter: {pair: 'BRLBTC'}, sort: {timestamp: -1}, limit: 1, projection: {_id: 0, timestamp: 1}});
  t.like(finds[2], {sort: {timestamp: 1}, projection: {_id: 0, timestamp: 1}});
});

test('a duplicate-key write error becomes a SinkError (exit 4) naming the action and the server', async (t) => {
  const server = await startMockMongodb(t);
  server.intercept((command) =>
    command === 'update'
      ? {ok: 1, n: 0, nModified: 0, writeErrors: [{index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: mms.mms index: pair_timestamp'}]}
      : undefined,
  );
  const target = sink(server.url);
  t.teardown(() => target.close());
  const error = await t.throwsAsync(target.upsert(records(1)), {instanceOf: SinkError});
  t.is(error.exitCode, 4);
  t.regex(error.message, /^mongodb: could not write records at mongodb:\/\/127\.0\.0\.1:\d+\/\?directConnection=true \(E11000 duplicate key error/);
});

test('a "not primary" answer (10107) is reported, not retried into a loop', async (t) => {
  const server = await startMockMongodb(t);
  server.intercept((command) => (command === 'update' ? {ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary'} : undefined));
  const target = sink(server.url);
  t.teardown(() => target.close());
  const error = await t.throwsAsync(target.upsert(records(3)), {instanceOf: SinkError});
  t.regex(error.message, /could not write records at .* \(not primary\)/);
  t.is(server.commands.filter((c) => 'update' in c).length, 1);
});

test('a connection dropped during a write is a SinkError saying so; a read dropped once is retried by the driver', async (t) => {
  const server = await startMockMongodb(t);
  const target = sink(server.url);
  t.teardown(() => target.close());
  await target.upsert(records(3));
  server.intercept((command) => (command === 'update' ? 'drop' : undefined));
  const error = await t.throwsAsync(target.upsert(records(3)), {instanceOf: SinkError});
  t.regex(error.message, /lost the connection to mongodb:\/\/127\.0\.0\.1:\d+.* while trying to write records/);
  let dropped = 0;
  server.intercept((command) => (command === 'find' && dropped++ === 0 ? 'drop' : undefined));
  t.is(await target.latestTimestamp('BRLBTC'), T0 + 2 * DAY);
  t.is(dropped, 2, 'the read was sent again after the drop');
});

test('credentials in the URL never appear in a message: failed authentication, unreachable server', async (t) => {
  const server = await startMockMongodb(t, {credentials: 'admin:s3cret'});
  server.intercept((command) => (command === 'saslStart' ? {ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.'} : undefined));
  const denied = sink(server.url);
  t.teardown(() => denied.close());
  const auth = await t.throwsAsync(denied.latestTimestamp('BRLBTC'), {instanceOf: SinkError});
  t.regex(auth.message, /^mongodb: authentication failed at mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+/);
  t.notRegex(auth.message, /s3cret|admin/);

  const nowhere = sink('mongodb://admin:s3cret@127.0.0.1:9/?authSource=admin', {serverSelectionTimeoutMs: 300});
  t.teardown(() => nowhere.close());
  const unreachable = await t.throwsAsync(nowhere.upsert(records(1)), {instanceOf: SinkError});
  t.regex(
    unreachable.message,
    /^mongodb: cannot reach mongodb:\/\/\*\*\*@127\.0\.0\.1:9\/\?authSource=admin to write records \(.*ECONNREFUSED.*\)\. Start MongoDB, or fix sink\.url \(MMS_MONGODB_URL\)\.$/,
  );
  t.notRegex(unreachable.message, /s3cret/);
});

test('a 100,000-record range read crosses the wire in several batches: the driver follows the cursor with getMore, and nothing is lost or reordered', async (t) => {
  const server = await startMockMongodb(t);
  const n = 100_000;
  server.seed(
    'mms',
    'mms',
    Array.from({length: n}, (_, i) => ({
      _id: `seed:${i}`,
      pair: 'BRLBTC',
      timestamp: T0 + i * DAY,
      date: new Date((T0 + i * DAY) * 1000),
      close: 100 + i,
      mms_20: i > 2 ? 90 + i : null,
    })),
  );
  const target = sink(server.url);
  t.teardown(() => target.close());

  const read = await target.readRange('BRLBTC', {from: T0, to: T0 + (n - 1) * DAY});
  t.is(read.length, n);
  t.is(
    read.findIndex((r, i) => r.timestamp !== T0 + i * DAY || r.close !== 100 + i || r.mms_20 !== (i > 2 ? 90 + i : null) || 'date' in r || '_id' in r),
    -1,
  );
  const readCommands = server.commands.map((c) => Object.keys(c)[0]);
  t.is(readCommands[0], 'find');
  t.true(readCommands.slice(1).length >= 1 && readCommands.slice(1).every((c) => c === 'getMore'), `commands: ${readCommands.join(', ')}`);
  for (const more of server.commands.slice(1)) t.like(more, {collection: 'mms'});

  server.commands.length = 0;
  const listed = await target.listTimestamps('BRLBTC', {from: T0, to: T0 + (n - 1) * DAY}, ['mms_20']);
  t.is(listed.length, n - 3);
  t.is(
    listed.findIndex((ts, i) => ts !== T0 + (i + 3) * DAY),
    -1,
  );
  t.true(
    server.commands.some((c) => 'getMore' in c),
    'the timestamp listing also followed its cursor',
  );
});
