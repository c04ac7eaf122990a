import {spawn} from 'node:child_process';
import {lstat, readdir, readFile, rm, symlink, utimes, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {JsonFileSink} from '../../../plugins/json-file/json-file-sink.js';
import type {MmsRecord} from '../../../src/core/contracts/record.js';
import type {LockOwner} from '../../../src/core/contracts/state-store.js';
import {EXIT_CODES} from '../../../src/core/errors/exit-codes.js';
import {SinkError} from '../../../src/core/errors/sink-error.js';
import {ROOT} from '../../helpers/run-cli.js';
import {tempDir} from '../../helpers/temp-dir.js';

const DAY = 86_400;
/** 2022-01-01T00:00:00Z */
const T0 = Date.UTC(2022, 0, 1) / 1000;
const ALL = {from: 0, to: Number.MAX_SAFE_INTEGER};

type Fields = Record<string, number | string | null>;

function day(pair: string, n: number, fields: Fields = {}): MmsRecord {
  return {pair, timestamp: T0 + n * DAY, ...fields};
}

async function sinkIn(t: ExecutionContext, name = 'mms.json'): Promise<{dir: string; path: string; sink: JsonFileSink}> {
  const dir = await tempDir(t);
  const path = join(dir, name);
  return {dir, path, sink: new JsonFileSink(path)};
}

/** Deterministic shuffle (LCG), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const byPairThenTime = (a: MmsRecord, b: MmsRecord) => (a.pair < b.pair ? -1 : a.pair > b.pair ? 1 : a.timestamp - b.timestamp);

test('readRange returns the records of one pair with from <= timestamp <= to, ascending, whatever order they were written in', async (t) => {
  const {sink} = await sinkIn(t);
  const days = Array.from({length: 10}, (_, n) => n);
  await sink.upsert([...days].reverse().map((n) => day('BRLBTC', n, {close: 100 + n})));
  await sink.upsert(days.map((n) => day('BRLETH', n, {close: 10 + n})));

  const inclusive = await sink.readRange('BRLBTC', {from: T0 + 3 * DAY, to: T0 + 7 * DAY});
  t.deepEqual(
    inclusive,
    [3, 4, 5, 6, 7].map((n) => day('BRLBTC', n, {close: 100 + n})),
  );
  // Bounds between two bars exclude the bars outside them.
  const between = await sink.readRange('BRLBTC', {from: T0 + 3 * DAY + 1, to: T0 + 7 * DAY - 1});
  t.deepEqual(
    between.map((r) => r.timestamp),
    [4, 5, 6].map((n) => T0 + n * DAY),
  );
  const single = await sink.readRange('BRLETH', {from: T0 + 9 * DAY, to: T0 + 9 * DAY});
  t.deepEqual(single, [day('BRLETH', 9, {close: 19})]);
  t.deepEqual(await sink.readRange('BRLETH', {from: T0 + 10 * DAY, to: T0 + 20 * DAY}), []);
  t.deepEqual(await sink.readRange('BRLXRP', ALL), []);
});

test('the file is a JSON array of the records sorted by pair, then timestamp', async (t) => {
  const {path, sink} = await sinkIn(t);
  const records = ['BRLETH', 'BRLBTC', 'BRLADA'].flatMap((pair, p) =>
    Array.from({length: 30}, (_, n) => day(pair, n * 3 - 20, {close: p * 1000 + n, mms_20: n % 2 === 0 ? null : n})),
  );
  const batches = shuffled(records);
  await sink.upsert(batches.slice(0, 40));
  await sink.upsert(batches.slice(40));
  const stored = JSON.parse(await readFile(path, 'utf8')) as MmsRecord[];
  t.true(Array.isArray(stored));
  t.deepEqual(stored, [...records].sort(byPairThenTime));
});

test('writing the same records twice leaves the file byte-identical, without duplicates', async (t) => {
  const {path, sink} = await sinkIn(t);
  const records = shuffled(
    ['BRLBTC', 'BRLETH'].flatMap((pair) => Array.from({length: 50}, (_, n) => day(pair, n, {close: (n + 1) / 3, mms_20: n >= 19 ? n / 7 : null}))),
  );
  await sink.upsert(records);
  const first = await readFile(path);
  await sink.upsert(records);
  t.true((await readFile(path)).equals(first), 'same instance');
  // A later run (a new process) writing the same day again changes nothing either.
  await new JsonFileSink(path).upsert(shuffled(records, 99));
  const third = await readFile(path);
  t.true(third.equals(first), 'new instance');
  t.is((JSON.parse(third.toString('utf8')) as unknown[]).length, records.length);
});

test('overlapping writes merge into the union, and the later value wins for a timestamp written twice', async (t) => {
  const {path, sink} = await sinkIn(t);
  const range = (from: number, to: number, version: number) =>
    Array.from({length: to - from + 1}, (_, i) => day('BRLBTC', from + i, {close: version * 1000 + from + i}));
  await sink.upsert(range(0, 9, 1));
  await sink.upsert(range(5, 14, 2));
  const expected = [...range(0, 4, 1), ...range(5, 14, 2)];
  t.deepEqual(await sink.readRange('BRLBTC', ALL), expected);
  t.deepEqual(await new JsonFileSink(path).readRange('BRLBTC', ALL), expected);
});

test('a record carrying only some fields keeps the other fields already stored for that day', async (t) => {
  const {path, sink} = await sinkIn(t);
  await sink.upsert([day('BRLBTC', 0, {mms_20: 1.5, mms_50: 2.5})]);
  await sink.upsert([day('BRLBTC', 0, {mms_20: 3.5})]);
  t.deepEqual(await sink.readRange('BRLBTC', ALL), [day('BRLBTC', 0, {mms_20: 3.5, mms_50: 2.5})]);
  // The same merge happens when the stored fields come from disk rather than from this instance.
  await new JsonFileSink(path).upsert([day('BRLBTC', 0, {mms_200: 4.5})]);
  t.deepEqual(await new JsonFileSink(path).readRange('BRLBTC', ALL), [day('BRLBTC', 0, {mms_20: 3.5, mms_50: 2.5, mms_200: 4.5})]);
});

test('a window without a value is stored as null: not 0, and not a missing key', async (t) => {
  const {path, sink} = await sinkIn(t);
  await sink.upsert([day('BRLBTC', 0, {close: 10, mms_20: 9.5, mms_200: null})]);
  const text = await readFile(path, 'utf8');
  t.regex(text, /"mms_200":null/);
  const [stored] = JSON.parse(text) as MmsRecord[];
  t.true(Object.hasOwn(stored!, 'mms_200'));
  t.is(stored!.mms_200, null);
  const [read] = await new JsonFileSink(path).readRange('BRLBTC', ALL);
  t.true(Object.hasOwn(read!, 'mms_200'));
  t.is(read!.mms_200, null);
  t.is(read!.mms_20, 9.5);
});

test('latestTimestamp is the newest stored open time of each pair, and undefined for a pair or file without records', async (t) => {
  const {path, sink} = await sinkIn(t);
  t.is(await sink.latestTimestamp('BRLBTC'), undefined);
  await t.throwsAsync(readFile(path), {code: 'ENOENT'}, 'reading does not create the file');
  await sink.upsert([]);
  await t.throwsAsync(readFile(path), {code: 'ENOENT'}, 'an empty upsert does not create the file');

  await sink.upsert([day('BRLBTC', 30), day('BRLBTC', 2)]);
  await sink.upsert([day('BRLBTC', 11), day('BRLETH', 5)]);
  t.is(await sink.latestTimestamp('BRLBTC'), T0 + 30 * DAY);
  t.is(await sink.latestTimestamp('BRLETH'), T0 + 5 * DAY);
  t.is(await sink.latestTimestamp('BRLXRP'), undefined);
  t.is(await new JsonFileSink(path).latestTimestamp('BRLBTC'), T0 + 30 * DAY);
});

test("a second sink on the same file sees the first one's writes, and neither loses the other's records", async (t) => {
  const {path} = await sinkIn(t);
  const a = new JsonFileSink(path);
  const b = new JsonFileSink(path);
  t.is(await b.latestTimestamp('BRLBTC'), undefined);
  await a.upsert([day('BRLBTC', 0, {close: 1})]);
  t.is(await b.latestTimestamp('BRLBTC'), T0);
  // b has read (and may cache) the file; a changes it again.
  await a.upsert([day('BRLBTC', 1, {close: 2})]);
  t.is(await b.latestTimestamp('BRLBTC'), T0 + DAY);
  await b.upsert([day('BRLETH', 0, {close: 3})]);
  t.deepEqual(await a.readRange('BRLETH', ALL), [day('BRLETH', 0, {close: 3})]);
  await a.upsert([day('BRLBTC', 2, {close: 4})]);
  const stored = JSON.parse(await readFile(path, 'utf8')) as MmsRecord[];
  t.deepEqual(stored, [day('BRLBTC', 0, {close: 1}), day('BRLBTC', 1, {close: 2}), day('BRLBTC', 2, {close: 4}), day('BRLETH', 0, {close: 3})]);
});

const CORRUPT: ReadonlyArray<{what: string; content: string}> = [
  {what: 'invalid JSON', content: '[\n{"pair":"BRLBTC","timestamp":1640995200,"close":1},\n{"pair":"BRLBTC","timest'},
  {what: 'an object instead of an array', content: '{"pair":"BRLBTC","timestamp":1640995200}\n'},
  {what: 'an element without pair', content: '[{"pair":"BRLBTC","timestamp":1640995200},{"timestamp":1641081600,"close":2}]\n'},
  {what: 'an element without timestamp', content: '[{"pair":"BRLBTC","close":2}]\n'},
  {what: 'an element that is not an object', content: '[{"pair":"BRLBTC","timestamp":1640995200}, 42]\n'},
];

for (const {what, content} of CORRUPT) {
  test(`a file holding ${what} is a SinkError naming the path, and is never overwritten`, async (t) => {
    const {dir, path, sink} = await sinkIn(t);
    await writeFile(path, content);
    const before = await readFile(path);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['latestTimestamp', () => sink.latestTimestamp('BRLBTC')],
      ['readRange', () => sink.readRange('BRLBTC', ALL)],
      ['upsert', () => sink.upsert([day('BRLBTC', 0, {close: 1})])],
      ['upsert (new instance)', () => new JsonFileSink(path).upsert([day('BRLETH', 0, {close: 1})])],
    ];
    for (const [name, attempt] of attempts) {
      const error = await t.throwsAsync(attempt(), {instanceOf: SinkError}, name);
      t.is(error.exitCode, EXIT_CODES.sink);
      t.is(error.exitCode, 4);
      t.true(error.message.includes(path), `${name}: ${error.message}`);
      t.regex(error.message, /never overwrites/, name);
    }
    t.true((await readFile(path)).equals(before), 'the corrupt file is byte-identical');
    t.deepEqual(await readdir(dir), ['mms.json']);
  });
}

for (const content of ['', ' \n\t\n']) {
  test(`an existing empty file (${JSON.stringify(content)}) is refused as a store cut short, naming it and saying to delete it for a new store, and is never modified`, async (t) => {
    const {dir, path, sink} = await sinkIn(t);
    await writeFile(path, content);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['latestTimestamp', () => sink.latestTimestamp('BRLBTC')],
      ['readRange', () => sink.readRange('BRLBTC', ALL)],
      ['listTimestamps', () => sink.listTimestamps('BRLBTC', ALL)],
      ['upsert', () => sink.upsert([day('BRLBTC', 0, {close: 1})])],
    ];
    for (const [name, attempt] of attempts) {
      const error = await t.throwsAsync(attempt(), {instanceOf: SinkError}, name);
      t.is(error.exitCode, EXIT_CODES.sink);
      t.true(error.message.startsWith(`json-file: ${path} is empty`), `${name}: ${error.message}`);
      t.regex(error.message, /delete it if a new, empty store is meant/, name);
      t.regex(error.message, /never overwrites/, name);
    }
    t.is(await readFile(path, 'utf8'), content, 'the file is left exactly as it was');
    t.deepEqual(await readdir(dir), ['mms.json']);
  });
}

/** One stored day of BRLBTC as mms writes it, with `edit` applied by hand, as the file's second record. */
function handEdited(edit: Record<string, unknown>): string {
  const records = [day('BRLBTC', 0, {close: 100, mms_20: 99.5, mms_50: null}), {...day('BRLBTC', 1, {close: 101, mms_20: 100, mms_50: null}), ...edit}];
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
}

const NEVER_WRITTEN: ReadonlyArray<{what: string; field: string; content: string}> = [
  {what: 'an average of 0', field: 'mms_50', content: handEdited({mms_50: 0})},
  {what: 'an average that is a string', field: 'mms_20', content: handEdited({mms_20: 'abc'})},
  {what: 'a negative average', field: 'mms_20', content: handEdited({mms_20: -1})},
  {what: 'an average too large for a number (Infinity)', field: 'mms_20', content: handEdited({}).replace('"mms_20":100', '"mms_20":1e999')},
  {what: 'a close of 0', field: 'close', content: handEdited({close: 0})},
  {what: 'a close of null', field: 'close', content: handEdited({close: null})},
  {what: 'a close that is a numeric string', field: 'close', content: handEdited({close: '101'})},
  {what: 'a field of another transform that is a string', field: 'signal', content: handEdited({signal: 'buy'})},
  {what: 'a field that is an object', field: 'mms_200', content: handEdited({mms_200: {value: 1}})},
];

for (const {what, field, content} of NEVER_WRITTEN) {
  test(`a stored record holding ${what} is a SinkError naming the file, pair, day and field; it is not served, and the file is never overwritten`, async (t) => {
    const {path, sink} = await sinkIn(t);
    await writeFile(path, content);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['readRange', () => sink.readRange('BRLBTC', ALL)],
      ['latestTimestamp', () => sink.latestTimestamp('BRLBTC')],
      ['listTimestamps', () => sink.listTimestamps('BRLBTC', ALL, ['mms_20'])],
      ['upsert', () => new JsonFileSink(path).upsert([day('BRLETH', 0, {close: 1})])],
    ];
    for (const [name, attempt] of attempts) {
      const error = await t.throwsAsync(attempt(), {instanceOf: SinkError}, name);
      t.is(error.exitCode, 4);
      t.true(error.message.startsWith(`json-file: ${path}: the record of BRLBTC 2022-01-02 (element 1) has "${field}": `), `${name}: ${error.message}`);
      t.regex(error.message, /never overwrites/, name);
    }
    t.is(await readFile(path, 'utf8'), content);
  });
}

test('stored values mms writes are all read back: averages and closes as positive numbers or null averages, and the fields of a user transform as any number or null', async (t) => {
  const {path} = await sinkIn(t);
  // A user transform (examples/crossover) stores -1, 0 and 1: any finite number is a value mms may write.
  const records = [
    day('BRLBTC', 0, {close: 0.00000001, mms_20: null, mms_50: null, cross_20_50: null}),
    day('BRLBTC', 1, {close: 250_000.12345678, mms_20: 1e-8, mms_50: null, cross_20_50: 0}),
    day('BRLBTC', 2, {close: 3, mms_20: 2, mms_50: 1.5, cross_20_50: -1}),
    day('BRLETH', 0, {close: 20_000, mms_7: 19_000.5, cross_20_50: 1}),
  ];
  await writeFile(path, `${JSON.stringify(records)}\n`);
  const sink = new JsonFileSink(path);
  t.deepEqual(await sink.readRange('BRLBTC', ALL), records.slice(0, 3));
  t.deepEqual(await sink.readRange('BRLETH', ALL), records.slice(3));
});

const OWNER: LockOwner = {pid: process.pid, host: 'json-file-test', command: 'mms ingest', startedAt: new Date().toISOString()};

/** A directory that cannot be made: below a regular file, or a symbolic link to nothing. */
const BLOCKED: ReadonlyArray<{what: string; make: (dir: string) => Promise<{blocker: string; advice: RegExp}>}> = [
  {
    what: 'below a regular file',
    make: async (dir) => {
      await writeFile(join(dir, 'blocker'), 'not a directory\n');
      return {blocker: join(dir, 'blocker'), advice: /is a file, not a directory; move it away, or choose another path/};
    },
  },
  {
    what: 'below a symbolic link to nothing',
    make: async (dir) => {
      await symlink(join(dir, 'nowhere'), join(dir, 'blocker'));
      return {blocker: join(dir, 'blocker'), advice: /is a symbolic link to \S*nowhere, which does not exist; create that directory, or remove the link/};
    },
  },
];

for (const {what, make} of BLOCKED) {
  test(`a data path ${what} is a SinkError (exit 4) naming the path and what is in the way, from the lock and from a write`, async (t) => {
    const dir = await tempDir(t);
    const {blocker, advice} = await make(dir);
    for (const path of [join(dir, 'blocker', 'mms.json'), join(dir, 'blocker', 'deeper', 'mms.json')]) {
      const sink = new JsonFileSink(path, join(dir, 'state', 'mms.state.json'));
      const locked = await t.throwsAsync(sink.lock(OWNER), {instanceOf: SinkError});
      t.is(locked.exitCode, EXIT_CODES.sink);
      t.true(locked.message.startsWith(`json-file: data file ${path}: cannot create the directory `), locked.message);
      t.true(locked.message.includes(`${blocker} `), locked.message);
      t.regex(locked.message, advice);
      const written = await t.throwsAsync(sink.upsert([day('BRLBTC', 0, {close: 1})]), {instanceOf: SinkError});
      t.is(written.exitCode, EXIT_CODES.sink);
      t.true(written.message.includes(path), written.message);
      // Below a file, reading the store already fails (ENOTDIR); either way the message says what to do.
      t.regex(written.message, /move (it|that file) away, or choose another path|create that directory, or remove the link/i);
    }
    t.true((await lstat(blocker)).isFile() || (await lstat(blocker)).isSymbolicLink(), 'what is in the way is left alone');
    t.deepEqual((await readdir(dir)).sort(), ['blocker'], 'nothing else was created: the lock was refused before the state directory');
  });

  test(`a state path ${what} is a SinkError (exit 4) naming the state file and what is in the way, from the lock and from a save`, async (t) => {
    const dir = await tempDir(t);
    const {blocker, advice} = await make(dir);
    const statePath = join(dir, 'blocker', 'mms.state.json');
    const sink = new JsonFileSink(join(dir, 'data', 'mms.json'), statePath);
    const locked = await t.throwsAsync(sink.lock(OWNER), {instanceOf: SinkError});
    t.is(locked.exitCode, EXIT_CODES.sink);
    t.true(locked.message.startsWith(`json-file: state file ${statePath}: cannot create the directory ${blocker}: `), locked.message);
    t.regex(locked.message, advice);
    t.deepEqual(await readdir(join(dir, 'data')), [], 'no lock file was left behind');
    const saved = await t.throwsAsync(sink.stateStore().save({version: 1, failures: [], holes: []}, ['BRLBTC']), {instanceOf: SinkError});
    t.is(saved.exitCode, EXIT_CODES.sink);
    t.true(saved.message.includes(statePath), saved.message);
    t.regex(saved.message, advice);
  });
}

test('the lock makes the directories of the data and state files when they are missing', async (t) => {
  const dir = await tempDir(t);
  const sink = new JsonFileSink(join(dir, 'data', 'mms.json'), join(dir, 'state', 'nested', 'mms.state.json'));
  const lock = await sink.lock(OWNER);
  t.true((await lstat(join(dir, 'state', 'nested'))).isDirectory());
  await sink.upsert([day('BRLBTC', 0, {close: 1})]);
  await sink.stateStore().save({version: 1, failures: [], holes: []}, ['BRLBTC']);
  await lock.release();
  t.deepEqual(await readdir(join(dir, 'data')), ['mms.json']);
  t.deepEqual(await readdir(join(dir, 'state', 'nested')), ['mms.state.json']);
});

test('a write that fails is a SinkError naming the path, and the file on disk is left as it was', async (t) => {
  // A name of 240 characters is valid, but the temporary sibling it is written through is longer than a
  // file name may be, so the write fails while reading works.
  const {dir, path, sink} = await sinkIn(t, `${'m'.repeat(235)}.json`);
  const original = `${JSON.stringify([day('BRLBTC', 0, {close: 1})])}\n`;
  await writeFile(path, original);
  const error = await t.throwsAsync(sink.upsert([day('BRLBTC', 1, {close: 2})]), {instanceOf: SinkError});
  t.is(error.exitCode, 4);
  t.true(error.message.includes(path), error.message);
  t.is(await readFile(path, 'utf8'), original);
  t.deepEqual(await readdir(dir), [`${'m'.repeat(235)}.json`]);
});

test('after a failed write, reads return only what is on disk', async (t) => {
  const {path, sink} = await sinkIn(t, `${'m'.repeat(235)}.json`);
  await writeFile(path, `${JSON.stringify([day('BRLBTC', 0, {close: 1})])}\n`);
  await t.throwsAsync(sink.upsert([day('BRLBTC', 1, {close: 2})]), {instanceOf: SinkError});
  t.is(await sink.latestTimestamp('BRLBTC'), T0, 'day 1 was never written');
  t.deepEqual(await sink.readRange('BRLBTC', ALL), [day('BRLBTC', 0, {close: 1})]);
});

test('a sink whose file was removed by someone else starts empty again', async (t) => {
  const {path, sink} = await sinkIn(t);
  await sink.upsert([day('BRLBTC', 0, {close: 1})]);
  await rm(path);
  t.is(await sink.latestTimestamp('BRLBTC'), undefined);
  await sink.upsert([day('BRLETH', 0, {close: 2})]);
  t.deepEqual(JSON.parse(await readFile(path, 'utf8')), [day('BRLETH', 0, {close: 2})]);
});

test('a same-size rewrite by another sink within one file-timestamp tick is not lost', async (t) => {
  // utimes pins the modification time to what it would be if both writes fell in the same coarse
  // timestamp tick (filesystem mtimes advance in ticks of several ms; consecutive writes often share one).
  const {path} = await sinkIn(t);
  const a = new JsonFileSink(path);
  const b = new JsonFileSink(path);
  const tick = new Date('2022-04-27T12:00:00Z');
  await a.upsert([day('BRLBTC', 0, {close: 1.5})]);
  await utimes(path, tick, tick);
  await a.latestTimestamp('BRLBTC');
  await b.upsert([day('BRLBTC', 0, {close: 2.5})]);
  await utimes(path, tick, tick);
  t.deepEqual(await a.readRange('BRLBTC', ALL), [day('BRLBTC', 0, {close: 2.5})]);
  await a.upsert([day('BRLBTC', 1, {close: 3})]);
  t.deepEqual(JSON.parse(await readFile(path, 'utf8')), [day('BRLBTC', 0, {close: 2.5}), day('BRLBTC', 1, {close: 3})]);
});

test('writes leave no temporary file behind, and create a missing directory', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'data', 'nested', 'mms.json');
  const sink = new JsonFileSink(path);
  for (let n = 0; n < 20; n++) await sink.upsert([day('BRLBTC', n, {close: n + 1})]);
  await Promise.all(Array.from({length: 10}, (_, n) => new JsonFileSink(path).upsert([day('BRLETH', n, {close: n + 1})])));
  t.deepEqual(await readdir(dir), ['data']);
  t.deepEqual(await readdir(join(dir, 'data')), ['nested']);
  t.deepEqual(await readdir(join(dir, 'data', 'nested')), ['mms.json']);
  t.is(await sink.latestTimestamp('BRLBTC'), T0 + 19 * DAY);
});

/**
 * Writer for the concurrency test: a separate process (so its writes really interleave with the reads of
 * this one) upserting one record at a time into a file that already holds `initial` records.
 */
const WRITER = `
const [sinkUrl, path, count, initial, t0] = process.argv.slice(2);
const {JsonFileSink} = await import(sinkUrl);
const sink = new JsonFileSink(path);
for (let i = 0; i < Number(count); i++) {
  const n = Number(initial) + i;
  await sink.upsert([{pair: 'BRLBTC', timestamp: Number(t0) + n * ${DAY}, close: n + 1, mms_20: null}]);
}
`;

test('a reader polling the file while another process makes 200 upserts only ever sees complete JSON arrays', async (t) => {
  const {dir, path, sink} = await sinkIn(t);
  const initial = 5000;
  const count = 200;
  // A few hundred KB, so that a non-atomic write would be visible half-done.
  await sink.upsert(Array.from({length: initial}, (_, n) => day('BRLBTC', n, {close: n + 1, mms_20: null})));
  const script = join(dir, 'writer.mjs');
  await writeFile(script, WRITER);
  const sinkUrl = new URL('../../../plugins/json-file/json-file-sink.ts', import.meta.url).href;

  const child = spawn(process.execPath, ['--import', 'tsx', script, sinkUrl, path, String(count), String(initial), String(T0)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  let running = true;
  void exited.finally(() => (running = false));

  let reads = 0;
  let previous = initial;
  const seen = new Set<number>();
  while (running) {
    const text = await readFile(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      child.kill();
      t.fail(`read ${reads}: torn file (${(error as Error).message}), ${text.length} chars`);
      return;
    }
    if (!Array.isArray(parsed) || parsed.length < previous || parsed.length > initial + count) {
      child.kill();
      t.fail(`read ${reads}: ${Array.isArray(parsed) ? `${parsed.length} records after ${previous}` : 'not an array'}`);
      return;
    }
    previous = parsed.length;
    seen.add(parsed.length);
    reads++;
  }
  t.is(await exited, 0, stderr);
  const final = JSON.parse(await readFile(path, 'utf8')) as MmsRecord[];
  t.is(final.length, initial + count);
  t.deepEqual(final.at(-1), day('BRLBTC', initial + count - 1, {close: initial + count, mms_20: null}));
  // The reads really overlapped the writes: they saw the file at several intermediate sizes.
  const intermediate = [...seen].filter((n) => n > initial && n < initial + count).length;
  t.true(intermediate >= 5, `${reads} reads saw only ${intermediate} intermediate states`);
  t.deepEqual((await readdir(dir)).sort(), ['mms.json', 'writer.mjs']);
});

test('a batch of 100,000 records round-trips through the file unchanged', async (t) => {
  const {path, sink} = await sinkIn(t);
  const perPair = 50_000;
  const records: MmsRecord[] = [];
  for (const [p, pair] of ['BRLBTC', 'BRLETH'].entries()) {
    for (let n = 0; n < perPair; n++) {
      records.push(day(pair, n, {close: (p + 1) * 1000 + n / 7, mms_20: n < 19 ? null : n / 3, mms_50: n < 49 ? null : n / 11}));
    }
  }
  await sink.upsert(shuffled(records));
  const fresh = new JsonFileSink(path);
  for (const pair of ['BRLBTC', 'BRLETH']) {
    const read = await fresh.readRange(pair, ALL);
    const expected = records.filter((r) => r.pair === pair);
    t.is(read.length, perPair);
    const firstDifference = read.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
    t.is(
      firstDifference,
      -1,
      firstDifference === -1 ? '' : `${pair} #${firstDifference}: ${JSON.stringify(read[firstDifference])} vs ${JSON.stringify(expected[firstDifference])}`,
    );
    t.is(await fresh.latestTimestamp(pair), T0 + (perPair - 1) * DAY);
  }
  t.is((JSON.parse(await readFile(path, 'utf8')) as unknown[]).length, records.length);
});
