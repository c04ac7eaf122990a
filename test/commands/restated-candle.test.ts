import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {simulatedProject} from '../helpers/simulated-project.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const restate = {type: 'restate', pair: 'BRLBTC', at: Date.parse('2022-04-17T00:00:00Z') / 1000} as const;

function sqliteProject(t: ExecutionContext) {
  return simulatedProject(t, {
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
}

test('a candle the exchange restates after it was stored is stored anew by the next daily run, and every average over it recomputed', async (t) => {
  const project = await sqliteProject(t);
  t.is((await project.mms(['ingest'], '2022-04-20T12:00:00Z')).code, 0, 'stores through 2022-04-19');
  project.setFaults([restate]);
  const run = await project.mms(['ingest', '--json'], '2022-04-21T12:00:00Z');
  t.is(run.code, 0, run.stderr);
  const [btc, eth] = (JSON.parse(run.stdout) as {pairs: Array<Record<string, unknown>>}).pairs;
  // 2022-04-17, 18 and 19 are stored before the run's day (2022-04-20), and each of their windows holds the 17th.
  t.like(btc, {pair: 'BRLBTC', written: 1, restated: ['2022-04-17'], recomputed: 3});
  t.is(eth!.restated, undefined, 'BRLETH was not restated');
  t.regex(run.stderr, /BRLBTC 2022-04-17: the mercado-bitcoin source restated this candle \(close [\d.]+ → [\d.]+\); it is stored anew/);
  const text = await project.mms(['verify'], '2022-04-21T12:00:00Z');
  t.is(text.code, 0, `${text.stdout}${text.stderr}`);

  // The same store as one loaded once the candle had been restated.
  const reference = await sqliteProject(t);
  reference.setFaults([restate]);
  t.is((await reference.mms(['ingest'], '2022-04-21T12:00:00Z')).code, 0);
  const records = sqliteRecords(join(project.dir, 'data', 'mms.db'));
  const expected = sqliteRecords(join(reference.dir, 'data', 'mms.db'));
  const day = (r: {timestamp: number}) => r.timestamp >= Date.parse('2021-04-21T00:00:00Z') / 1000;
  t.deepEqual(records.filter(day), expected.filter(day));
});

test('the text output of the daily run names the restated day and the records recomputed', async (t) => {
  const project = await sqliteProject(t);
  t.is((await project.mms(['ingest'], '2022-04-20T12:00:00Z')).code, 0);
  project.setFaults([restate]);
  const run = await project.mms(['ingest'], '2022-04-21T12:00:00Z');
  t.regex(run.stdout, /^BRLBTC {2}restated by the source: 2022-04-17; stored anew, 3 earlier record\(s\) recomputed$/m);
});

test('mms gaps reports the restated day of its period (close before and after), without failing for it', async (t) => {
  const project = await sqliteProject(t);
  t.is((await project.mms(['ingest'], '2022-04-20T12:00:00Z')).code, 0);
  project.setFaults([restate]);
  t.is((await project.mms(['ingest'], '2022-04-21T12:00:00Z')).code, 0);
  const gaps = await project.mms(['gaps', '--days', '30', '--json'], '2022-04-21T12:00:00Z');
  t.is(gaps.code, 0, gaps.stdout);
  const report = JSON.parse(gaps.stdout) as {ok: boolean; pairs: Array<{pair: string; restated?: Array<Record<string, string>>}>};
  const [btc, eth] = report.pairs;
  t.is(btc!.restated?.length, 1);
  t.like(btc!.restated![0], {day: '2022-04-17'});
  t.true(Number(btc!.restated![0]!.closeAfter) > Number(btc!.restated![0]!.closeBefore));
  t.is(eth!.restated, undefined);
  const text = await project.mms(['gaps', '--days', '30'], '2022-04-21T12:00:00Z');
  t.regex(text.stdout, /^• BRLBTC: 2022-04-17 restated by the source \(close [\d.]+ → [\d.]+, seen [^)]+\); stored anew, its averages recomputed$/m);
  const old = await project.mms(['gaps', '--days', '3', '--json'], '2022-04-21T12:00:00Z');
  t.is((JSON.parse(old.stdout) as typeof report).pairs[0]!.restated, undefined, 'outside the period checked');
});
