import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import test, {type ExecutionContext} from 'ava';
import {simulatedProject} from '../helpers/simulated-project.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const NOW = '2022-04-27T12:00:00Z';

/** A project on SQLite loaded with a year of both pairs, averaged over `windows`. */
async function loaded(t: ExecutionContext, windows: number[]) {
  const project = await simulatedProject(t, {
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const path = join(project.dir, 'data', 'mms.db');
  const sql = (statement: string) => {
    const db = new DatabaseSync(path);
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
  };
  return {project, path, sql};
}

async function setWindows(configPath: string, windows: number[]): Promise<void> {
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  await writeFile(configPath, JSON.stringify({...config, transforms: [{use: 'sma', windows}]}));
}

test('a window added to the config is filled by mms recompute from the stored candles wherever they reach back far enough, without one request to the exchange', async (t) => {
  const {project, path} = await loaded(t, [20, 50]);
  const reference = await loaded(t, [20, 50, 200]);
  await setWindows(project.configPath, [20, 50, 200]);
  t.is((await project.mms(['verify'], NOW)).code, 8, 'mms_200 is missing everywhere');

  const requests = project.requests();
  const run = await project.mms(['recompute', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  t.is(project.requests(), requests, 'no request to the exchange');
  t.like(JSON.parse(run.stdout), {
    dryRun: false,
    pairs: [
      // Loaded for windows up to 50, the store holds 49 days of candles before its first record: the first 150
      // days lack the 200 days of history and keep no mms_200, the other 215 get it.
      {pair: 'BRLBTC', records: 365, changed: 215, withoutCandleCount: 0},
      {pair: 'BRLETH', records: 365, changed: 215, withoutCandleCount: 0},
    ],
  });
  const filled = sqliteRecords(path);
  const expected = sqliteRecords(reference.path).map((r, i) => (i % 365 < 150 ? {...r, mms_200: null} : r));
  t.deepEqual(filled, expected, 'the records of a store loaded with the three windows, where the candles reach');
  t.is((await project.mms(['verify'], NOW)).code, 0);
  const again = await project.mms(['recompute'], NOW);
  t.regex(again.stdout, /^BRLBTC {2}365 record\(s\) 2021-04-27\.\.2022-04-26: 0 rewritten \(0 value\(s\) differed from their candles\)$/m);
});

test('after a corrupted average, --dry-run counts the one record to rewrite and writes nothing; the run rewrites it', async (t) => {
  const {project, path, sql} = await loaded(t, [20, 50, 200]);
  const before = sqliteRecords(path);
  sql("UPDATE records SET mms_20 = mms_20 * 2 WHERE pair = 'BRLBTC' AND timestamp = 1646092800");
  const corrupted = sqliteRecords(path);
  const dry = await project.mms(['recompute', '--dry-run', '--pairs', 'BRLBTC'], NOW);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /^BRLBTC {2}365 record\(s\) 2021-04-27\.\.2022-04-26: 1 would change \(1 value\(s\) differed from their candles\)$/m);
  t.deepEqual(sqliteRecords(path), corrupted, 'a dry run writes nothing');
  t.is((await project.mms(['recompute', '--pairs', 'BRLBTC'], NOW)).code, 0);
  t.deepEqual(sqliteRecords(path), before);
});

test('a stored candle edited into something mms never writes stops mms recompute with exit 4, naming pair, day and value', async (t) => {
  const {project, sql} = await loaded(t, [20, 50, 200]);
  sql("UPDATE candles SET low = '-3' WHERE pair = 'BRLETH' AND timestamp = 1646092800");
  const run = await project.mms(['recompute', '--pairs', 'BRLETH'], NOW);
  t.is(run.code, 4);
  t.regex(run.stderr, /the candle of BRLETH 2022-03-01 in table candles has "low": "-3", where mms writes a positive decimal/);
  t.notRegex(run.stderr, /\n\s+at /);
});

test('mms recompute on a sink that keeps no candles exits 2, naming the sinks that do', async (t) => {
  const project = await simulatedProject(t);
  const run = await project.mms(['recompute'], NOW);
  t.is(run.code, 2);
  t.regex(
    run.stderr,
    /mms recompute re-derives the averages from the stored candles, and the json-file sink keeps none\. Use a sink that keeps them \(sqlite, the default, or mongodb\)/,
  );
});
