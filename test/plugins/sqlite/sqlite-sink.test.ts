import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import test, {type ExecutionContext} from 'ava';
import {MIGRATIONS, SCHEMA_VERSION} from '../../../plugins/sqlite/sqlite-schema.js';
import {SqliteSink} from '../../../plugins/sqlite/sqlite-sink.js';
import {candleFromDecimals} from '../../../src/core/contracts/candle.js';
import type {Resolution} from '../../../src/core/contracts/resolution.js';
import {isMmsError} from '../../../src/core/errors/mms-error.js';
import {tempDir} from '../../helpers/temp-dir.js';
import {workerSink} from '../../helpers/worker-sink.js';

const DAY = 86_400;
const T0 = 1_650_000_000 - (1_650_000_000 % DAY);

async function sinkAt(t: ExecutionContext, path?: string, resolution: Resolution = '1d') {
  const sink = new SqliteSink({path: path ?? join(await tempDir(t), 'data', 'mms.db'), busyTimeoutMs: 2000, resolution, configKey: 'sink.path'});
  t.teardown(() => sink.close());
  return sink;
}

/** Opens the file the way a user does with sqlite3, read-only. */
function query(t: ExecutionContext, path: string, sql: string, ...params: Array<string | number>) {
  const db = new DatabaseSync(path, {readOnly: true});
  t.teardown(() => db.close());
  return db.prepare(sql).all(...params);
}

/** The error `work` fails with, asserting it is an mms error with `exitCode`. */
async function refused(t: ExecutionContext, work: () => Promise<unknown>, exitCode: number): Promise<string> {
  const error = await t.throwsAsync(work());
  t.true(isMmsError(error), `an mms error, not ${String(error)}`);
  t.is((error as {exitCode?: number}).exitCode, exitCode, error?.message);
  return error!.message;
}

test('the records table has the documented schema: pair TEXT, timestamp INTEGER, close REAL, one REAL per field, keyed by (pair, timestamp)', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 101.5, mms_20: 100.25, mms_50: null}]);
  const columns = query(t, sink.path, 'PRAGMA table_info(records)') as Array<{name: string; type: string; pk: number}>;
  t.deepEqual(
    columns.map((c) => [c.name, c.type, c.pk]),
    [
      ['pair', 'TEXT', 1],
      ['timestamp', 'INTEGER', 2],
      ['close', 'REAL', 0],
      ['mms_20', 'REAL', 0],
      ['mms_50', 'REAL', 0],
    ],
  );
  t.deepEqual(query(t, sink.path, 'SELECT typeof(timestamp) AS ts, typeof(close) AS close, typeof(mms_20) AS m20, typeof(mms_50) AS m50 FROM records'), [
    {ts: 'integer', close: 'real', m20: 'real', m50: 'null'},
  ]);
  t.deepEqual(query(t, sink.path, "SELECT value FROM mms_meta WHERE key = 'resolution'"), [{value: '1d'}]);
  t.deepEqual(query(t, sink.path, 'PRAGMA user_version'), [{user_version: SCHEMA_VERSION}]);
  t.deepEqual(query(t, sink.path, 'PRAGMA journal_mode'), [{journal_mode: 'wal'}]);
});

test('a value is stored with every bit of its float64: what is read back is what was written', async (t) => {
  const sink = await sinkAt(t);
  const values = [0.1 + 0.2, 1 / 3, 123_456_789.123_456_78, Number.MIN_VALUE, 2 ** 53 + 2, 5e-324 * 3];
  await sink.upsert(values.map((v, i) => ({pair: 'BRLBTC', timestamp: T0 + i * DAY, close: v, mms_20: v, signal: -v})));
  const stored = await sink.readRange('BRLBTC', {from: T0, to: T0 + values.length * DAY});
  t.deepEqual(
    stored.map((r) => [r.close, r.mms_20, r.signal]),
    values.map((v) => [v, v, -v]),
  );
});

test('a field new to the store adds its column; the days written before have NULL there, so they are not complete', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([0, 1, 2].map((d) => ({pair: 'BRLBTC', timestamp: T0 + d * DAY, close: 10, mms_20: 10})));
  t.deepEqual(await sink.listTimestamps('BRLBTC', {from: T0, to: T0 + 9 * DAY}, ['mms_20', 'mms_100']), [], 'no column yet: nothing complete');
  await sink.upsert([3, 4].map((d) => ({pair: 'BRLBTC', timestamp: T0 + d * DAY, close: 10, mms_20: 10, mms_100: 10})));
  t.deepEqual(await sink.listTimestamps('BRLBTC', {from: T0, to: T0 + 9 * DAY}, ['mms_20', 'mms_100']), [T0 + 3 * DAY, T0 + 4 * DAY]);
  t.like(await sink.readRange('BRLBTC', {from: T0, to: T0}), [{mms_20: 10, mms_100: null}]);
});

test('another process adding a column is seen by a handle opened before', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 1, mms_20: 1}]);
  const other = await sinkAt(t, sink.path);
  await other.upsert([{pair: 'BRLBTC', timestamp: T0 + DAY, close: 2, mms_20: 2, mms_50: 2}]);
  t.deepEqual(await sink.listTimestamps('BRLBTC', {from: T0, to: T0 + DAY}, ['mms_50']), [T0 + DAY]);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 1, mms_20: 1, mms_50: 1}]);
  t.deepEqual(await other.readRange('BRLBTC', {from: T0, to: T0}), [{pair: 'BRLBTC', timestamp: T0, close: 1, mms_20: 1, mms_50: 1}]);
});

test('a page is one transaction: a record that cannot be stored leaves none of its page stored', async (t) => {
  const sink = await sinkAt(t);
  const page = [0, 1, 2].map((d) => ({pair: 'BRLBTC', timestamp: T0 + d * DAY, close: 10, mms_20: d === 2 ? Number.POSITIVE_INFINITY : 10}));
  const message = await refused(t, () => sink.upsert(page), 4);
  t.regex(message, /refusing to store mms_20 = Infinity for BRLBTC 2022-04-1\d/);
  t.deepEqual(await sink.readRange('BRLBTC', {from: T0, to: T0 + 9 * DAY}), []);
});

test('a field that cannot be a column name, or that differs from a column only in case, is refused naming it', async (t) => {
  const sink = await sinkAt(t);
  t.regex(await refused(t, () => sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 1, 'mms-20': 1}]), 4), /the field "mms-20".*cannot be a column/);
  t.regex(await refused(t, () => sink.upsert([{pair: 'BRLBTC', timestamp: T0, Close: 1}]), 4), /"Close" differs only in case from the column "close"/);
});

test('a JSON file or random bytes at the path: refused with exit 4 naming the file, and the file is not modified', async (t) => {
  const dir = await tempDir(t);
  for (const [name, content] of [
    ['mms.json', '[{"pair":"BRLBTC","timestamp":1650000000,"close":1}]'],
    ['noise.db', Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 256))],
  ] as const) {
    const path = join(dir, name);
    await writeFile(path, content);
    const before = await stat(path);
    const sink = await sinkAt(t, path);
    const message = await refused(t, () => sink.latestTimestamp('BRLBTC'), 4);
    t.true(message.includes(path) && /is not an SQLite database.*not modified/.test(message), message);
    t.deepEqual(await readFile(path), Buffer.from(content));
    t.is((await stat(path)).mtimeMs, before.mtimeMs);
    t.false((await stat(`${path}-wal`).catch(() => undefined)) !== undefined, 'no -wal file was created beside it');
  }
});

test('a directory that cannot be created, or a directory at the path: exit 4 naming the path', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'file'), 'x');
  t.regex(
    await refused(t, async () => (await sinkAt(t, join(dir, 'file', 'mms.db'))).latestTimestamp('BRLBTC'), 4),
    /cannot create the directory of .*file\/mms\.db/,
  );
  await mkdir(join(dir, 'adir'));
  t.regex(await refused(t, async () => (await sinkAt(t, join(dir, 'adir'))).latestTimestamp('BRLBTC'), 4), /adir is not a file/);
});

test('an SQLite database that is not an mms store is refused and left alone', async (t) => {
  const path = join(await tempDir(t), 'other.db');
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')");
  db.close();
  const before = await readFile(path);
  t.regex(
    await refused(t, async () => (await sinkAt(t, path)).upsert([{pair: 'BRLBTC', timestamp: T0, close: 1}]), 4),
    /not an mms store \(it has the tables notes/,
  );
  t.deepEqual(await readFile(path), before);
});

test('a file written by a newer schema version is refused with exit 4, not guessed at', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 1}]);
  await sink.close();
  const db = new DatabaseSync(sink.path);
  db.exec('PRAGMA user_version = 7');
  db.close();
  const message = await refused(t, async () => (await sinkAt(t, sink.path)).readRange('BRLBTC', {from: T0, to: T0}), 4);
  t.regex(message, new RegExp(`written by a newer mms \\(schema version 7; this mms knows up to ${SCHEMA_VERSION}\\)\\. It was not modified: upgrade mms`));
});

test("a config whose resolution differs from the store's is refused with exit 2, naming both", async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 1}]);
  const message = await refused(t, async () => (await sinkAt(t, sink.path, '1h')).latestTimestamp('BRLBTC'), 2);
  t.regex(message, /holds 1d bars, but the config's resolution is 1h.*set resolution back to 1d, or point sink\.path at another file/);
  t.is(await (await sinkAt(t, sink.path)).latestTimestamp('BRLBTC'), T0, 'the store is as it was');
});

test('the ledger lives in tables of the same file, one row per entry, queryable', async (t) => {
  const sink = await sinkAt(t);
  await sink.stateStore().save(
    {
      version: 1,
      failures: [
        {
          pair: 'BRLBTC',
          resolution: '1d',
          from: T0,
          to: T0 + DAY,
          kind: 'transient',
          message: 'down',
          attempts: 1,
          firstFailedAt: 'a',
          lastTriedAt: 'a',
          status: 'pending',
        },
      ],
      holes: [{pair: 'BRLETH', resolution: '1d', from: T0, to: T0, seenAt: 'b'}],
    },
    ['BRLBTC', 'BRLETH'],
  );
  t.like(query(t, sink.path, 'SELECT pair, from_ts, to_ts, kind, status FROM mms_failures'), [
    {pair: 'BRLBTC', from_ts: T0, to_ts: T0 + DAY, kind: 'transient', status: 'pending'},
  ]);
  t.like(query(t, sink.path, 'SELECT pair, from_ts, to_ts FROM mms_holes'), [{pair: 'BRLETH', from_ts: T0, to_ts: T0}]);
});

test('a lock row of a process that died on this host is taken over at once; a live holder is named in the refusal', async (t) => {
  const sink = await sinkAt(t);
  await sink.latestTimestamp('BRLBTC');
  const db = new DatabaseSync(sink.path);
  t.teardown(() => db.close());
  const insert = db.prepare('INSERT INTO mms_locks (pair, token, pid, host, command, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // No process has pid 2^22 + 1 (above Linux's pid_max default).
  insert.run('BRLBTC', 'dead', 4_194_305, hostname(), 'mms ingest', '2026-01-01T00:00:00Z', Date.now());
  insert.run('BRLETH', 'alive', process.pid, hostname(), 'mms retry', '2026-01-01T00:00:00Z', Date.now());
  const owner = {pid: process.pid, host: hostname(), command: 'mms ingest', startedAt: new Date().toISOString()};
  const lock = await sink.lock(owner, ['BRLBTC']);
  t.true(await lock.held());
  await lock.release();
  const message = await refused(t, () => sink.lock(owner, ['BRLETH']), 5);
  t.regex(message, new RegExp(`pair BRLETH of sqlite sink .* in use by another mms run \\(\`mms retry\`, pid ${process.pid} on `));
});

test('writers in two threads contend for the file (pages of 2,000 records): each waits its turn, none fails, nothing is lost', async (t) => {
  const path = join(await tempDir(t), 'mms.db');
  const entry = new URL('./open-sqlite-sink.ts', import.meta.url);
  const [a, b] = [await workerSink(t, entry, {path}), await workerSink(t, entry, {path})];
  const page = (pair: string, k: number) => Array.from({length: 2000}, (_, i) => ({pair, timestamp: T0 + (k * 2000 + i) * 60, close: i + 1, mms_20: i + 1}));
  // With a busy timeout of 1 ms, about a third of these writes fail with "database is locked".
  await t.notThrowsAsync(
    Promise.all([...Array.from({length: 20}, (_, k) => a.upsert(page('BRLBTC', k))), ...Array.from({length: 20}, (_, k) => b.upsert(page('BRLETH', k)))]),
  );
  const sink = await sinkAt(t, path);
  for (const pair of ['BRLBTC', 'BRLETH']) t.is((await sink.listTimestamps(pair, {from: T0, to: T0 + 40_000 * 60})).length, 40_000);
});

test('the sqlite3 query docs/configuring.md shows runs against a store and gives the newest days first', async (t) => {
  const readme = await readFile(new URL('../../../docs/configuring.md', import.meta.url), 'utf8');
  const sql = /sqlite3 -header -column data\/mms\.db \\\n\s*"([^"]+)"/.exec(readme)?.[1];
  t.truthy(sql, 'the doc shows a sqlite3 query');
  const sink = await sinkAt(t);
  await sink.upsert([0, 1, 2].map((d) => ({pair: 'BRLBTC', timestamp: T0 + d * DAY, close: 10 + d, mms_20: 9 + d, mms_50: null, mms_200: null})));
  await sink.upsert([{pair: 'BRLETH', timestamp: T0, close: 1, mms_20: 1, mms_50: null, mms_200: null}]);
  t.deepEqual(query(t, sink.path, sql!), [
    {pair: 'BRLBTC', day: '2022-04-17', close: 12, mms_20: 11, mms_50: null, mms_200: null},
    {pair: 'BRLBTC', day: '2022-04-16', close: 11, mms_20: 10, mms_50: null, mms_200: null},
    {pair: 'BRLBTC', day: '2022-04-15', close: 10, mms_20: 9, mms_50: null, mms_200: null},
  ]);
});

test('a value edited by hand into something mms never writes is refused on reading (exit 4, naming pair, day and column), not served', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([0, 1].map((d) => ({pair: 'BRLBTC', timestamp: T0 + d * DAY, close: 10, mms_20: 10, mms_50: null})));
  for (const [set, message] of [
    ['mms_50 = 0', /the row of BRLBTC 2022-04-16 in table records has "mms_50": 0, where mms writes a positive number, or null/],
    ["mms_20 = 'abc'", /"mms_20": "abc", where mms writes a positive number/],
    ['close = -1', /"close": -1, where mms writes a positive number/],
  ] as const) {
    const db = new DatabaseSync(sink.path);
    db.exec(`UPDATE records SET mms_20 = 10, mms_50 = NULL, close = 10; UPDATE records SET ${set} WHERE timestamp = ${T0 + DAY}`);
    db.close();
    t.regex(await refused(t, () => sink.readRange('BRLBTC', {from: T0, to: T0 + DAY}), 4), message);
  }
});

test('a row a partial record created has no close: it reads back without one, never as close null', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 10, mms_20: 10}]);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0 + DAY, mms_20: 11}]);
  t.deepEqual(await sink.readRange('BRLBTC', {from: T0, to: T0 + DAY}), [
    {pair: 'BRLBTC', timestamp: T0, close: 10, mms_20: 10},
    {pair: 'BRLBTC', timestamp: T0 + DAY, mms_20: 11},
  ]);
});

test('a write refused after it added a column leaves no column behind that the next write would miss', async (t) => {
  const sink = await sinkAt(t);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0, close: 10, mms_20: 10}]);
  await refused(t, () => sink.upsert([{pair: 'BRLBTC', timestamp: T0 + DAY, close: 10, mms_20: 10, mms_50: Number.POSITIVE_INFINITY}]), 4);
  await sink.upsert([{pair: 'BRLBTC', timestamp: T0 + DAY, close: 11, mms_20: 11, mms_50: 12}]);
  t.like(await sink.readRange('BRLBTC', {from: T0 + DAY, to: T0 + DAY}), [{close: 11, mms_50: 12}]);
});

test('closing the sink gives back the locks it still holds', async (t) => {
  const sink = await sinkAt(t);
  const owner = {pid: process.pid, host: hostname(), command: 'mms ingest', startedAt: new Date().toISOString()};
  await sink.lock(owner, ['BRLBTC']);
  await sink.close();
  const other = await sinkAt(t, sink.path);
  const lock = await other.lock({...owner, command: 'mms retry'}, ['BRLBTC']);
  t.true(await lock.held());
  await lock.release();
});

test('an SQLite database of another program that numbers its schema too is refused and left alone', async (t) => {
  const path = join(await tempDir(t), 'app.db');
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me'); PRAGMA user_version = 3");
  db.close();
  const before = await readFile(path);
  t.regex(
    await refused(t, async () => (await sinkAt(t, path)).latestTimestamp('BRLBTC'), 4),
    /not an mms store \(schema version 3, no mms_meta table; it has notes\); it was not modified/,
  );
  t.deepEqual(await readFile(path), before);
});

test('candles keep every digit as received in the candles table (a REAL, or TEXT where a REAL falls short), and a restated candle replaces the stored one', async (t) => {
  const sink = await sinkAt(t);
  const store = sink.candleStore();
  const wide = candleFromDecimals(T0, {
    open: '123456789012.12345678',
    high: '123456789013.5',
    low: '123456789011.00000001',
    close: '123456789012.87654321',
    volume: '0.5',
  });
  const plain = candleFromDecimals(T0 + DAY, {open: '191411.11707', high: '192000', low: '190000', close: '191500.5', volume: '12.25'});
  await store.upsertCandles('BRLBTC', [wide, plain]);
  t.deepEqual(await store.readCandles('BRLBTC', {from: T0, to: T0 + DAY}), [wide, plain]);
  t.deepEqual(query(t, sink.path, 'SELECT close FROM candles ORDER BY timestamp'), [{close: '123456789012.87654321'}, {close: 191500.5}]);
  const restated = candleFromDecimals(T0 + DAY, {open: '191411.11707', high: '192000', low: '190000', close: '191600', volume: '13'});
  await store.upsertCandles('BRLBTC', [restated]);
  t.deepEqual(await store.readCandles('BRLBTC', {from: T0, to: T0 + DAY}), [wide, restated]);
  t.deepEqual(await store.readCandles('BRLETH', {from: T0, to: T0 + DAY}), []);
});

test('a candle edited by hand into something mms never writes is refused on reading, naming pair, day and value', async (t) => {
  const sink = await sinkAt(t);
  await sink.candleStore().upsertCandles('BRLBTC', [candleFromDecimals(T0, {open: '1', high: '2', low: '1', close: '1.5', volume: '3'})]);
  for (const [edit, wrong] of [
    ["close = 'n/a'", '"close": "n/a"'],
    ["close = '0'", '"close": "0", where mms writes a positive decimal'],
    [`timestamp = ${T0 + 60}`, `timestamp ${T0 + 60}, where mms writes the Unix seconds of a bar on the 86400-second grid`],
  ] as const) {
    const db = new DatabaseSync(sink.path);
    db.exec(`UPDATE candles SET ${edit}`);
    db.close();
    const message = await refused(t, () => sink.candleStore().readCandles('BRLBTC', {from: T0, to: T0 + DAY}), 4);
    t.true(message.includes(wrong) && message.includes('BRLBTC'), message);
    const restore = new DatabaseSync(sink.path);
    restore.exec(`UPDATE candles SET timestamp = ${T0}, close = '1.5'`);
    restore.close();
  }
});

test('a store of schema version 1 gains the candles table on opening, its records untouched', async (t) => {
  const path = join(await tempDir(t), 'v1.db');
  const db = new DatabaseSync(path);
  MIGRATIONS[0]!(db, {resolution: '1d'});
  db.exec(`PRAGMA user_version = 1; INSERT INTO records (pair, timestamp, close) VALUES ('BRLBTC', ${T0}, 5)`);
  db.close();
  const sink = await sinkAt(t, path);
  t.deepEqual(await sink.readRange('BRLBTC', {from: T0, to: T0}), [{pair: 'BRLBTC', timestamp: T0, close: 5}]);
  t.deepEqual(await sink.candleStore().readCandles('BRLBTC', {from: T0, to: T0}), []);
  t.deepEqual(query(t, path, 'PRAGMA user_version'), [{user_version: SCHEMA_VERSION}]);
});
