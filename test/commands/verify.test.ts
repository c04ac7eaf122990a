import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import test, {type ExecutionContext} from 'ava';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {widePriceDataset} from '../../simulator/wide-price-dataset.js';
import {simulatedProject} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';
const transforms = [{use: 'sma', windows: [20, 50, 200]}];

/** A project whose store is SQLite (the default sink), loaded with a year of both pairs. */
async function loadedSqlite(t: ExecutionContext, dataset = recordedDataset()) {
  const project = await simulatedProject(t, {
    dataset,
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms,
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const sql = (statement: string) => {
    const db = new DatabaseSync(join(project.dir, 'data', 'mms.db'));
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
  };
  return {project, sql};
}

interface Verified {
  ok: boolean;
  checked: boolean;
  pairs: Array<{
    pair: string;
    records: number;
    digest: string;
    values: number;
    mismatchCount: number;
    mismatches: Array<{day: string; field: string; stored: number | null; expected: number | null}>;
    withoutCandleCount: number;
    withoutCandle: string[];
    unreadable?: string;
  }>;
}

test('mms verify finds every stored value equal to what the stored candles give: exit 0, each value counted, a digest per pair', async (t) => {
  const {project} = await loadedSqlite(t);
  const run = await project.mms(['verify', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as Verified;
  t.true(result.ok && result.checked);
  for (const pair of result.pairs) {
    t.is(pair.records, 365);
    t.is(pair.values, 365 * 4, 'close and three averages of every record');
    t.regex(pair.digest, /^sha256:[0-9a-f]{64}$/);
  }
  t.not(result.pairs[0]!.digest, result.pairs[1]!.digest);
  const text = await project.mms(['verify'], NOW);
  t.regex(text.stdout, /^BRLBTC {2}365 record\(s\) 2021-04-27\.\.2022-04-26 {2}sha256:[0-9a-f]{64}\n {2}all 1460 value\(s\) match their candles$/m);
});

test('mms verify passes at prices from 5e9 to 4e12 with eight decimals, where only exact arithmetic gives the stored averages back', async (t) => {
  const {project} = await loadedSqlite(t, widePriceDataset(recordedDataset()));
  const run = await project.mms(['verify'], NOW);
  t.is(run.code, 0, run.stdout + run.stderr);
});

test('a stored average off by one unit in the last place is reported with its pair, day, field and both values: exit 8', async (t) => {
  const {project, sql} = await loadedSqlite(t);
  const day = Date.parse('2022-03-01T00:00:00Z') / 1000;
  const db = new DatabaseSync(join(project.dir, 'data', 'mms.db'), {readOnly: true});
  const {mms_50: stored} = db.prepare(`SELECT mms_50 FROM records WHERE pair = 'BRLETH' AND timestamp = ${day}`).get() as {mms_50: number};
  db.close();
  // The next float64 above the stored average: the smallest corruption there is.
  const next = new Float64Array(new BigInt64Array([new BigInt64Array(new Float64Array([stored]).buffer)[0]! + 1n]).buffer)[0]!;
  sql(`UPDATE records SET mms_50 = ${next} WHERE pair = 'BRLETH' AND timestamp = ${day}`);
  const run = await project.mms(['verify', '--json'], NOW);
  t.is(run.code, 8);
  const result = JSON.parse(run.stdout) as Verified;
  t.false(result.ok);
  t.is(result.pairs[0]!.mismatchCount, 0, 'BRLBTC untouched');
  t.deepEqual(result.pairs[1]!.mismatches, [{timestamp: day, day: '2022-03-01', field: 'mms_50', stored: next, expected: stored}]);
  const text = await project.mms(['verify', '--pairs', 'BRLETH'], NOW);
  t.regex(text.stdout, new RegExp(`1 value\\(s\\) differ from what the stored candles give:\\n {4}2022-03-01 {2}mms_50 {2}stored ${next}, expected ${stored}`));
  t.regex(text.stderr, /`mms recompute` rewrites them/);
});

test('a record whose candle is gone is reported, and so are the averages whose window reached it', async (t) => {
  const {project, sql} = await loadedSqlite(t);
  const day = Date.parse('2022-04-20T00:00:00Z') / 1000;
  sql(`DELETE FROM candles WHERE pair = 'BRLBTC' AND timestamp = ${day}`);
  const run = await project.mms(['verify', '--json', '--pairs', 'BRLBTC'], NOW);
  t.is(run.code, 8);
  const [pair] = (JSON.parse(run.stdout) as Verified).pairs;
  t.deepEqual(pair!.withoutCandle, ['2022-04-20']);
  // The days after it, up to yesterday (6 days), lose every window that reaches back to it: 3 per day.
  t.is(pair!.mismatchCount, 6 * 3);
  t.true(pair!.mismatches.every((m) => m.expected === null && typeof m.stored === 'number'));
});

test('a candle edited by hand into something mms never writes is reported as unreadable, naming pair, day and value: exit 8, no stack', async (t) => {
  const {project, sql} = await loadedSqlite(t);
  sql(`UPDATE candles SET close = 'n/a' WHERE pair = 'BRLBTC' AND timestamp = ${Date.parse('2022-02-02T00:00:00Z') / 1000}`);
  const run = await project.mms(['verify'], NOW);
  t.is(run.code, 8);
  t.regex(run.stdout, /BRLBTC .*\n {2}UNREADABLE: .*the candle of BRLBTC 2022-02-02 in table candles has "close": "n\/a"/);
  t.regex(run.stdout, /BRLETH .*\n {2}all 1460 value\(s\) match/, 'the other pair is still checked');
  t.notRegex(run.stderr, /\n\s+at /);
});

test('the digest is the same for the same records in SQLite and in a JSON file, and --digest-only works on a sink without candles', async (t) => {
  const {project} = await loadedSqlite(t);
  await writeFile(join(project.dir, 'json.config.json'), JSON.stringify({transforms, sink: {use: 'json-file', path: 'data/copy.json'}}));
  t.is((await project.mms(['copy', '--to', 'json.config.json'], NOW)).code, 0);
  const digests = async (args: string[]) => {
    const run = await project.mms(['verify', '--json', ...args], NOW);
    t.is(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as Verified).pairs.map((p) => [p.pair, p.records, p.digest]);
  };
  const sqlite = await digests([]);
  t.deepEqual(await digests(['--config', 'json.config.json', '--digest-only']), sqlite);
  t.deepEqual(await digests(['--digest-only']), sqlite);
  const ranged = await digests(['--from', '2022-01-01', '--to', '2022-01-31']);
  t.is(ranged[0]![1], 31);
  t.notDeepEqual(ranged, sqlite);

  const refused = await project.mms(['verify', '--config', 'json.config.json'], NOW);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /mms verify re-derives the averages from the stored candles, and the json-file sink keeps none.*--digest-only/);
});

test('mms copy carries the candles into a store that keeps them: mms verify passes there, with the same digests', async (t) => {
  const {project} = await loadedSqlite(t);
  await writeFile(join(project.dir, 'copy.config.json'), JSON.stringify({transforms, sink: {use: 'sqlite', path: 'data/copy.db'}}));
  const copy = await project.mms(['copy', '--to', 'copy.config.json'], NOW);
  t.is(copy.code, 0, copy.stderr);
  t.regex(
    copy.stdout,
    /^BRLBTC {2}copied 365 record\(s\) 2021-04-27\.\.2022-04-26, 0 pending window\(s\), 0 source hole\(s\), 564 candle\(s\); the target holds 365 of 365$/m,
  );
  const verified = async (args: string[]) => {
    const run = await project.mms(['verify', '--json', ...args], NOW);
    t.is(run.code, 0, run.stdout + run.stderr);
    return (JSON.parse(run.stdout) as Verified).pairs.map((p) => [p.pair, p.values, p.digest]);
  };
  t.deepEqual(await verified(['--config', 'copy.config.json']), await verified([]));
});

test('a record edited by hand into something mms never writes is reported by verify and refused by recompute, naming pair, day and field', async (t) => {
  const {project, sql} = await loadedSqlite(t);
  sql(`UPDATE records SET mms_20 = 'oops' WHERE pair = 'BRLBTC' AND timestamp = ${Date.parse('2022-02-02T00:00:00Z') / 1000}`);
  const verify = await project.mms(['verify'], NOW);
  t.is(verify.code, 8);
  t.regex(verify.stdout, /BRLBTC .*\n {2}UNREADABLE: .*the row of BRLBTC 2022-02-02 in table records has "mms_20": "oops"/);
  const recompute = await project.mms(['recompute'], NOW);
  t.is(recompute.code, 4);
  t.regex(recompute.stderr, /the row of BRLBTC 2022-02-02 in table records has "mms_20": "oops"/);
  t.notRegex(recompute.stderr, /\n\s+at /);
});
