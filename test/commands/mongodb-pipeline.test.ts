import test from 'ava';
import {startMockMongodb} from '../helpers/mock-mongodb.js';
import {simulatedProject} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';

test('the same pipeline writes the same records to the JSON file and to MongoDB, swapping only the sink in the config', async (t) => {
  const mongo = await startMockMongodb(t);
  const json = await simulatedProject(t);
  const db = await simulatedProject(t, {
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      sink: {use: 'mongodb', url: mongo.url, database: 'mms', collection: 'mms'},
    }),
  });
  t.is((await json.mms(['ingest'], NOW)).code, 0);
  const run = await db.mms(['ingest', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const stored = mongo.documents('mms', 'mms').map(({_id, date, ...record}) => {
    t.deepEqual(date, new Date((record.timestamp as number) * 1000));
    return record;
  });
  t.deepEqual(stored, await json.records());
  // The next run reads its watermark back from MongoDB: nothing to do.
  t.regex((await db.mms(['ingest'], NOW)).stdout, /BRLBTC {2}up to date \(stored through 2022-04-26\)/);
});

test('with the MongoDB sink the ledger lives in the same database, and retry completes the data once the API is back', async (t) => {
  const mongo = await startMockMongodb(t);
  const json = await simulatedProject(t);
  t.is((await json.mms(['ingest'], NOW)).code, 0);
  const db = await simulatedProject(t, {
    faults: [{type: 'down'}],
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, retry: {limit: 1, baseDelayMs: 10}},
      sink: {use: 'mongodb', url: mongo.url},
    }),
  });
  t.is((await db.mms(['ingest'], NOW)).code, 3);
  // One ledger document per pair, so shards of disjoint pairs never overwrite each other's entries.
  const ledgers = mongo.documents('mms', 'mms_state').filter((d) => String(d._id).startsWith('ledger:'));
  t.deepEqual(ledgers.map((d) => d._id).sort(), ['ledger:BRLBTC', 'ledger:BRLETH']);
  for (const pair of ['BRLBTC', 'BRLETH']) {
    t.like(
      ledgers.find((d) => d.pair === pair),
      {version: 1, failures: [{pair, kind: 'transient', status: 'pending'}]},
    );
  }
  t.deepEqual(
    mongo.documents('mms', 'mms_state').filter((d) => String(d._id).startsWith('lock')),
    [],
    'the run locks were released',
  );
  db.setFaults([]);
  const retry = await db.mms(['retry'], NOW);
  t.is(retry.code, 0, retry.stderr);
  t.deepEqual(
    mongo.documents('mms', 'mms').map(({_id, date, ...record}) => record),
    await json.records(),
  );
});
