import test, {type ExecutionContext} from 'ava';
import {MongoClient} from 'mongodb';
import {acquireMongodbLocks} from '../../../plugins/mongodb/mongodb-lock.js';
import {LockedError} from '../../../src/core/errors/locked-error.js';
import {LOCK_STALE_MS, lockOwner} from '../../../src/core/state/lock-holder.js';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';

const WHAT = 'mongodb sink mms.mms';

async function stateCollection(t: ExecutionContext, seeded: ReadonlyArray<Record<string, unknown>>) {
  const server = await startMockMongodb(t);
  server.seed('mms', 'mms_state', seeded);
  const client = await MongoClient.connect(server.url, {serverSelectionTimeoutMS: 10_000});
  t.teardown(() => client.close());
  return {server, collection: client.db('mms').collection('mms_state')};
}

const lockIds = (server: Awaited<ReturnType<typeof stateCollection>>['server']) =>
  server
    .documents('mms', 'mms_state')
    .map((d) => String(d._id))
    .sort();

for (const [shape, document, problem] of [
  [
    'fields of the wrong types',
    {pid: 'abc', host: 1},
    /\(pid: expected a process id; host: expected a host name; command: expected a command; startedAt: expected a date string; token: expected a token; heartbeatAt: expected a date\)/,
  ],
  [
    'a holder without its token and heartbeat',
    {pid: 4242, host: 'elsewhere', command: 'mms ingest', startedAt: '2022-04-27T03:00:00.000Z'},
    /\(token: expected a token; heartbeatAt: expected a date\)/,
  ],
] as const) {
  test(`a lock document of another shape (${shape}) is refused with exit 5 as unreadable, naming the document and how to delete it`, async (t) => {
    const {server, collection} = await stateCollection(t, [{_id: 'lock:BRLETH', pair: 'BRLETH', ...document}]);
    const error = await t.throwsAsync(acquireMongodbLocks(collection, lockOwner('mms ingest'), ['BRLBTC', 'BRLETH'], WHAT), {instanceOf: LockedError});
    t.is(error.exitCode, 5);
    t.true(
      error.message.startsWith(`pair BRLETH of ${WHAT}: the lock document {_id: "lock:BRLETH"} in the state collection mms_state is unreadable (`),
      error.message,
    );
    t.regex(error.message, problem);
    t.true(error.message.endsWith('If no mms run is active, delete it (db.mms_state.deleteOne({_id: "lock:BRLETH"})) and run again.'), error.message);
    t.notRegex(error.message, /undefined|unknown holder/);
    t.deepEqual(lockIds(server), ['lock:BRLETH'], 'the document is left alone, and the lock of BRLBTC taken before it released');
  });
}

test('a lock document of a live run is refused naming its holder; one silent past the stale limit is taken over', async (t) => {
  const holder = {pid: 4242, host: 'elsewhere', command: 'mms ingest', startedAt: '2022-04-27T03:00:00.000Z', token: 'theirs'};
  const {server, collection} = await stateCollection(t, [
    {_id: 'lock:BRLBTC', pair: 'BRLBTC', ...holder, heartbeatAt: new Date()},
    {_id: 'lock:BRLETH', pair: 'BRLETH', ...holder, heartbeatAt: new Date(Date.now() - LOCK_STALE_MS - 1000)},
  ]);
  const error = await t.throwsAsync(acquireMongodbLocks(collection, lockOwner('mms retry'), ['BRLBTC'], WHAT), {instanceOf: LockedError});
  t.regex(
    error.message,
    /^pair BRLBTC of mongodb sink mms\.mms is in use by another mms run \(`mms ingest`, pid 4242 on elsewhere, started 2022-04-27T03:00:00\.000Z\)/,
  );
  const lock = await acquireMongodbLocks(collection, lockOwner('mms retry'), ['BRLETH'], WHAT);
  t.true(await lock.held());
  t.like(
    server.documents('mms', 'mms_state').find((d) => d._id === 'lock:BRLETH'),
    {command: 'mms retry', pid: process.pid},
  );
  await lock.release();
  t.deepEqual(lockIds(server), ['lock:BRLBTC']);
});
