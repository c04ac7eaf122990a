import {existsSync} from 'node:fs';
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parse} from 'csv-parse/sync';
import {exactDecimal} from '../../src/core/contracts/candle.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {widePriceDataset} from '../../simulator/wide-price-dataset.js';
import {simulatedProject} from '../helpers/simulated-project.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const NOW = '2022-04-27T12:00:00Z';
const DAY = 86_400;

async function loaded(t: ExecutionContext, dataset = recordedDataset()) {
  const project = await simulatedProject(t, {
    dataset,
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  return {project, records: sqliteRecords(join(project.dir, 'data', 'mms.db'))};
}

const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

test('export --format csv writes every record, sorted by pair and time, read back equal by an independent CSV parser', async (t) => {
  const {project, records} = await loaded(t);
  const run = await project.mms(['export', '--format', 'csv', '--out', 'mms.csv'], NOW);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /^BRLBTC {2}365 record\(s\)$/m);
  const text = await readFile(join(project.dir, 'mms.csv'), 'utf8');
  t.is(text.split('\n')[0], 'pair,timestamp,date,close,mms_20,mms_50,mms_200');
  const rows = parse(text, {
    columns: true,
    cast: (value, context) => (context.header ? value : value === '' ? null : /^[A-Z]/.test(value) || /-/.test(value) ? value : Number(value)),
  }) as Array<Record<string, unknown>>;
  t.deepEqual(
    rows,
    records.map((r) => ({
      pair: r.pair,
      timestamp: r.timestamp,
      date: isoDay(r.timestamp),
      close: r.close,
      mms_20: r.mms_20,
      mms_50: r.mms_50,
      mms_200: r.mms_200,
    })),
  );
});

test('export --format ndjson to standard output: one JSON object per record, for a range and a pair', async (t) => {
  const {project, records} = await loaded(t);
  const run = await project.mms(['export', '--format', 'ndjson', '--pairs', 'BRLETH', '--from', '2022-01-01', '--to', '2022-01-31'], NOW);
  t.is(run.code, 0, run.stderr);
  const lines = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const expected = records.filter((r) => r.pair === 'BRLETH' && r.timestamp >= Date.UTC(2022, 0, 1) / 1000 && r.timestamp <= Date.UTC(2022, 0, 31) / 1000);
  t.is(lines.length, 31);
  t.deepEqual(
    lines,
    expected.map((r) => ({
      pair: r.pair,
      timestamp: r.timestamp,
      date: isoDay(r.timestamp),
      close: r.close,
      mms_20: r.mms_20,
      mms_50: r.mms_50,
      mms_200: r.mms_200,
    })),
  );
});

test('export --candles writes the raw candles, look-back included, every digit as received at 20-digit prices, in either format', async (t) => {
  const dataset = widePriceDataset(recordedDataset());
  const {project} = await loaded(t, dataset);
  const now = Date.parse(NOW) / 1000;
  const yesterday = now - (now % DAY) - DAY;
  const served = dataset.candles('BRLBTC', DAY, yesterday - (365 + 198) * DAY, yesterday, now);
  const expected = served.map((c) => ({
    pair: 'BRLBTC',
    timestamp: String(c.timestamp),
    date: isoDay(c.timestamp),
    ...Object.fromEntries((['open', 'high', 'low', 'close', 'volume'] as const).map((k) => [k, exactDecimal(c, k)])),
  }));
  const csv = await project.mms(['export', '--format', 'csv', '--candles', '--pairs', 'BRLBTC'], NOW);
  t.is(csv.code, 0, csv.stderr);
  t.deepEqual(parse(csv.stdout, {columns: true}), expected);
  const ndjson = await project.mms(['export', '--format', 'ndjson', '--candles', '--pairs', 'BRLBTC'], NOW);
  // Every digit reaches a JSON reader that keeps the source text of numbers.
  const texts = ndjson.stdout
    .trimEnd()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line, (key, value, context?: {source?: string}) => (typeof value === 'number' && key !== 'timestamp' ? context?.source : value)) as Record<
          string,
          unknown
        >,
    );
  t.deepEqual(
    texts,
    expected.map((e) => ({...e, timestamp: Number(e.timestamp)})),
  );
});

test('bad flags exit 2 naming the flag, and write nothing: unknown format, missing directory, existing file, from after to, a sink without candles', async (t) => {
  const {project} = await loaded(t);
  await writeFile(join(project.dir, 'taken.csv'), 'keep me');
  const cases: Array<[string[], RegExp]> = [
    [['--format', 'xlsx'], /Expected --format=xlsx to be one of: csv, ndjson/],
    [['--format', 'csv', '--out', 'nowhere/mms.csv'], /--out .*nowhere\/mms\.csv: the directory .*nowhere does not exist/],
    [['--format', 'csv', '--out', 'taken.csv'], /--out .*taken\.csv exists; give --force to replace it/],
    [['--format', 'csv', '--from', '2022-02-01', '--to', '2022-01-01'], /--from 2022-02-01 is after --to 2022-01-01/],
  ];
  for (const [args, message] of cases) {
    const run = await project.mms(['export', ...args], NOW);
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, message);
    t.is(run.stdout, '');
  }
  t.is(await readFile(join(project.dir, 'taken.csv'), 'utf8'), 'keep me');
  t.is((await project.mms(['export', '--format', 'csv', '--out', 'taken.csv', '--force'], NOW)).code, 0);
  t.regex(await readFile(join(project.dir, 'taken.csv'), 'utf8'), /^pair,timestamp,date,close/);
  await mkdir(join(project.dir, 'out'));
  const json = await simulatedProject(t);
  const refused = await json.mms(['export', '--format', 'csv', '--candles'], NOW);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /json-file sink keeps none.*export the records without --candles/);
  t.deepEqual(await readdir(join(project.dir, 'out')), []);
  t.false(existsSync(join(project.dir, 'nowhere')));
});

/** Every row of a Parquet file, read by DuckDB (a reader independent of the writer), with its column types. */
async function readParquet(path: string): Promise<{types: Record<string, string>; rows: Array<Record<string, unknown>>}> {
  const {DuckDBInstance} = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const file = path.replaceAll("'", "''");
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const types = Object.fromEntries(described.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]));
    const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
    return {types, rows: read.getRowObjectsJS() as Array<Record<string, unknown>>};
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test('export --format parquet: int64 timestamps, doubles, text, null where no value — every value read back equal by DuckDB', async (t) => {
  const {project, records} = await loaded(t);
  // A window without its history: a store whose first days have no mms_200.
  const db = join(project.dir, 'data', 'mms.db');
  const {DatabaseSync} = await import('node:sqlite');
  const sqlite = new DatabaseSync(db);
  sqlite.exec(`UPDATE records SET mms_200 = NULL WHERE timestamp < ${Date.UTC(2021, 5, 1) / 1000}`);
  sqlite.close();
  const run = await project.mms(['export', '--format', 'parquet', '--out', 'mms.parquet'], NOW);
  t.is(run.code, 0, run.stderr);
  const {types, rows} = await readParquet(join(project.dir, 'mms.parquet'));
  t.deepEqual(types, {pair: 'VARCHAR', timestamp: 'BIGINT', date: 'VARCHAR', close: 'DOUBLE', mms_20: 'DOUBLE', mms_50: 'DOUBLE', mms_200: 'DOUBLE'});
  const expected = sqliteRecords(db).map((r) => ({
    pair: r.pair,
    timestamp: BigInt(r.timestamp),
    date: isoDay(r.timestamp),
    close: r.close,
    mms_20: r.mms_20,
    mms_50: r.mms_50,
    mms_200: r.mms_200,
  }));
  t.is(rows.length, records.length);
  t.deepEqual(rows, expected);
  t.true(rows.some((r) => r.mms_200 === null));
});

test('export --format parquet --candles keeps every digit of 20-digit prices as text; parquet needs --out', async (t) => {
  const dataset = widePriceDataset(recordedDataset());
  const {project} = await loaded(t, dataset);
  t.is((await project.mms(['export', '--format', 'parquet', '--candles', '--pairs', 'BRLETH', '--out', 'c.parquet'], NOW)).code, 0);
  const {rows} = await readParquet(join(project.dir, 'c.parquet'));
  const now = Date.parse(NOW) / 1000;
  const yesterday = now - (now % DAY) - DAY;
  const served = dataset.candles('BRLETH', DAY, yesterday - (365 + 198) * DAY, yesterday, now);
  t.deepEqual(
    rows.map((r) => [Number(r.timestamp), r.close]),
    served.map((c) => [c.timestamp, exactDecimal(c, 'close')]),
  );
  const refused = await project.mms(['export', '--format', 'parquet'], NOW);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /--format parquet writes a file: give --out <file>/);
});
