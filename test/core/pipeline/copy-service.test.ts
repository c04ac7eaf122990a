import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {validate} from '../../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../../src/container/bundled-plugins.js';
import {buildContainer, closeContainer} from '../../../src/container/build-container.js';
import {storeOf} from '../../../src/container/store-of.js';
import type {MmsRecord} from '../../../src/core/contracts/record.js';
import type {Sink} from '../../../src/core/contracts/sink.js';
import {isMmsError} from '../../../src/core/errors/mms-error.js';
import {CopyService, type Store} from '../../../src/core/pipeline/copy-service.js';
import type {IngestService} from '../../../src/core/pipeline/ingest-service.js';
import {TOKENS} from '../../../src/core/tokens.js';
import {stderrLogger} from '../../../src/logger/stderr-logger.js';
import {FaultPlan} from '../../../simulator/fault-plan.js';
import {recordedDataset} from '../../../simulator/recorded-dataset.js';
import {startSimulator} from '../../../simulator/start-simulator.js';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';
import {tempDir} from '../../helpers/temp-dir.js';

const NOW = Date.parse('2022-04-27T12:00:00Z');
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const EVERYTHING = {from: 0, to: Number.MAX_SAFE_INTEGER};

/** A store of `sink` in a new directory, built by the container as a command builds it. */
async function store(t: ExecutionContext, sink: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Store> {
  const config = validate(
    'test config',
    await tempDir(t),
    {pairs: ['BRLBTC', 'BRLETH'], transforms: [{use: 'sma', windows: [20, 50, 200]}], sink, ...extra},
    BUNDLED_DEFAULTS,
  );
  const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
  t.teardown(() => closeContainer(container));
  return storeOf(container);
}

/**
 * A JSON-file store filled by a real ingest from the simulator, with a source hole (BRLBTC 2022-01-10) and
 * a pending window (BRLETH's last two days failed), so there is a ledger to carry over.
 */
async function filledJsonStore(t: ExecutionContext): Promise<Store> {
  const simulator = await startSimulator({
    dataset: recordedDataset(),
    now: () => NOW,
    faults: new FaultPlan([{type: 'hole', pair: 'BRLBTC', from: day('2022-01-10'), to: day('2022-01-10')}]),
  });
  t.teardown(() => simulator.close());
  const source = {use: 'mercado-bitcoin', baseUrl: `${simulator.url}/api/v4`, minIntervalMs: 0, retry: {limit: 0}};
  const config = validate(
    'test config',
    await tempDir(t),
    {pairs: ['BRLBTC', 'BRLETH'], source, transforms: [{use: 'sma', windows: [20, 50, 200]}], sink: {use: 'json-file'}},
    BUNDLED_DEFAULTS,
  );
  const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
  t.teardown(() => closeContainer(container));
  const ingest = await container.getAsync<IngestService>(TOKENS.IngestService);
  await ingest.run();
  // BRLETH's last two days fail once: queued in the ledger.
  await (await storeOf(container)).ledger.queue({
    pair: 'BRLETH',
    resolution: '1d',
    range: {from: day('2022-04-27'), to: day('2022-04-28')},
    kind: 'transient',
    message: 'down',
  });
  return storeOf(container);
}

async function everything(sink: Sink): Promise<MmsRecord[]> {
  return [...(await sink.readRange('BRLBTC', EVERYTHING)), ...(await sink.readRange('BRLETH', EVERYTHING))];
}

async function ledgerOf(store: Store) {
  const {failures, holes} = await store.ledger.read();
  return {pending: failures.filter((f) => f.status === 'pending'), holes};
}

test('a JSON-file store copied into SQLite and back holds identical records and the same ledger', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  const back = await store(t, {use: 'json-file'});
  const there = await new CopyService(json, sqlite).run();
  t.true(there.ok);
  t.deepEqual(
    there.pairs.map((p) => [p.pair, p.records, p.inTarget, p.first, p.last, p.pending, p.holes]),
    [
      ['BRLBTC', 364, 364, '2021-04-27', '2022-04-26', 0, 1],
      ['BRLETH', 365, 365, '2021-04-27', '2022-04-26', 1, 0],
    ],
  );
  const again = await new CopyService(sqlite, back).run();
  t.true(again.ok);
  const original = await everything(json.sink);
  t.is(original.length, 729);
  t.deepEqual(await everything(sqlite.sink), original, 'SQLite holds every record, every value the same');
  t.deepEqual(await everything(back.sink), original, 'and so does the JSON file copied back from it');
  t.deepEqual(await ledgerOf(sqlite), await ledgerOf(json));
  t.deepEqual(await ledgerOf(back), await ledgerOf(json));
  t.like((await ledgerOf(back)).holes, [{pair: 'BRLBTC', from: day('2022-01-10'), to: day('2022-01-10')}]);
});

test('through MongoDB too: JSON file → MongoDB → SQLite keeps every record and the ledger', async (t) => {
  const json = await filledJsonStore(t);
  const mongo = await startMockMongodb(t);
  const mongodb = await store(t, {use: 'mongodb', url: mongo.url, serverSelectionTimeoutMs: 10_000});
  const sqlite = await store(t, {use: 'sqlite'});
  t.true((await new CopyService(json, mongodb).run()).ok);
  t.true((await new CopyService(mongodb, sqlite).run()).ok);
  t.deepEqual(await everything(sqlite.sink), await everything(json.sink));
  t.deepEqual(await ledgerOf(sqlite), await ledgerOf(json));
});

test('copying again changes nothing: the same records, and no window queued twice', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  await new CopyService(json, sqlite).run();
  const records = await everything(sqlite.sink);
  const ledger = await ledgerOf(sqlite);
  const second = await new CopyService(json, sqlite).run();
  t.true(second.ok);
  t.deepEqual(await everything(sqlite.sink), records);
  t.deepEqual(await ledgerOf(sqlite), ledger);
});

test('the source is read a page at a time, whatever its size: no read returns more than a page', async (t) => {
  const json = await filledJsonStore(t);
  let largest = 0;
  const reads = {
    ...json,
    sink: {
      ...json.sink,
      name: json.sink.name,
      earliestTimestamp: json.sink.earliestTimestamp!.bind(json.sink),
      latestTimestamp: json.sink.latestTimestamp.bind(json.sink),
      listTimestamps: json.sink.listTimestamps.bind(json.sink),
      upsert: json.sink.upsert.bind(json.sink),
      readRange: async (pair: string, range: {from: number; to: number}) => {
        const rows = await json.sink.readRange(pair, range);
        largest = Math.max(largest, rows.length);
        return rows;
      },
    },
  };
  const sqlite = await store(t, {use: 'sqlite'});
  const result = await new CopyService(reads, sqlite).run({pageBars: 30});
  t.true(result.ok);
  t.true(largest > 0 && largest <= 30, `largest read: ${largest} records`);
  t.deepEqual(await everything(sqlite.sink), await everything(json.sink));
});

test('--pairs and a time range copy only that part, and the ledger entries that reach into it', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  const result = await new CopyService(json, sqlite).run({pairs: ['BRLBTC'], from: day('2022-01-01'), to: day('2022-01-31')});
  t.deepEqual(
    result.pairs.map((p) => [p.pair, p.records, p.first, p.last, p.holes]),
    [['BRLBTC', 30, '2022-01-01', '2022-01-31', 1]],
  );
  t.is((await sqlite.sink.readRange('BRLBTC', EVERYTHING)).length, 30);
  t.deepEqual(await sqlite.sink.readRange('BRLETH', EVERYTHING), []);
  t.deepEqual((await ledgerOf(sqlite)).pending, [], "BRLETH's pending window was not asked for");
});

test('a range whose start is after its end is a usage error, before any lock is taken', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  const error = await t.throwsAsync(new CopyService(json, sqlite).run({from: day('2022-02-01'), to: day('2022-01-01')}));
  t.true(isMmsError(error) && error.exitCode === 2, error?.message);
  t.is(error!.message, '--from 2022-02-01 is after --until 2022-01-01.');
});

test('a copy into the very store it reads is a usage error naming it', async (t) => {
  const path = join(await tempDir(t), 'same.db');
  const sqlite = await store(t, {use: 'sqlite', path});
  const same = await store(t, {use: 'sqlite', path});
  const error = t.throws(() => new CopyService(sqlite, same));
  t.true(isMmsError(error) && error.exitCode === 2, error?.message);
  t.true(error!.message.includes(`name the same store, ${path}: there is nothing to copy`), error!.message);
});

test('a dry run counts what it would copy, and writes nothing', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  const result = await new CopyService(json, sqlite).run({dryRun: true});
  t.deepEqual(
    result.pairs.map((p) => [p.pair, p.records, p.inTarget]),
    [
      ['BRLBTC', 364, null],
      ['BRLETH', 365, null],
    ],
  );
  t.deepEqual(await everything(sqlite.sink), []);
  t.deepEqual(await ledgerOf(sqlite), {pending: [], holes: []});
});

test('stores of another resolution or other fields are refused before anything is read, naming what differs', async (t) => {
  const json = await filledJsonStore(t);
  for (const [extra, message] of [
    [{resolution: '1h'}, /resolution: 1d in .*, 1h in /],
    [
      {transforms: [{use: 'sma', windows: [20, 50]}]},
      /fields \(the transforms' windows\): mms_20, mms_200, mms_50 in .*, mms_20, mms_50 in .* \(only in the source: mms_200; only in the target: none\)/,
    ],
  ] as const) {
    const target = await store(t, {use: 'sqlite'}, extra);
    const error = t.throws(() => new CopyService(json, target));
    t.true(isMmsError(error) && error.exitCode === 2, error?.message);
    t.regex(error!.message, message);
  }
});

test('a target another run is writing is refused with exit 5, and nothing is copied', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite', path: 'data/shared.db'});
  const held = await sqlite.lock('mms ingest', ['BRLETH']);
  t.teardown(() => held.release());
  const error = await t.throwsAsync(new CopyService(json, sqlite).run());
  t.true(isMmsError(error) && error.exitCode === 5, error?.message);
  t.deepEqual(await everything(sqlite.sink), []);
  // The source's lock was given back: a writer of the source can start.
  await t.notThrowsAsync(async () => (await json.lock('mms ingest', ['BRLBTC', 'BRLETH'])).release());
});

test('a target that loses records is caught: the copy says how many it holds, and is not ok', async (t) => {
  const json = await filledJsonStore(t);
  const sqlite = await store(t, {use: 'sqlite'});
  const lossy: Store = {
    ...sqlite,
    sink: Object.assign(Object.create(sqlite.sink) as Sink, {
      upsert: (records: readonly MmsRecord[]) => sqlite.sink.upsert(records.filter((r) => r.timestamp !== day('2022-02-01'))),
    }),
  };
  const result = await new CopyService(json, lossy).run();
  t.false(result.ok);
  t.like(result.pairs, [
    {pair: 'BRLBTC', records: 364, inTarget: 363},
    {pair: 'BRLETH', records: 365, inTarget: 364},
  ]);
});
