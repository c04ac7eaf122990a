import {existsSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {syntheticDataset} from '../../simulator/synthetic-dataset.js';
import {exactMean, recordedDays, relativeError} from '../helpers/recorded-closes.js';
import {runCli, ROOT} from '../helpers/run-cli.js';
import {dayStart, simulatedProject, type StoredRecord, utcDay} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';
const DAY = 86_400;

/** Checks every stored window against the exact decimal mean of the recorded closes ending that day. */
function assertExactWindows(t: import('ava').ExecutionContext, records: readonly StoredRecord[], windows = [20, 50, 200]) {
  const byPair = {BRLBTC: recordedDays('BRLBTC'), BRLETH: recordedDays('BRLETH')};
  for (const record of records) {
    const days = byPair[record.pair as keyof typeof byPair];
    const index = days.findIndex((d) => d.timestamp === record.timestamp);
    t.true(index >= 0, `${record.pair} ${utcDay(record.timestamp)} is a recorded day`);
    t.is(record.close, Number(days[index]!.close));
    for (const w of windows) {
      const value = record[`mms_${w}`];
      if (index < w - 1) {
        t.is(value, null, `${record.pair} ${utcDay(record.timestamp)} mms_${w} has too little history`);
        continue;
      }
      const expected = exactMean(days.slice(index - w + 1, index + 1).map((d) => d.close));
      t.true(
        typeof value === 'number' && relativeError(value, expected) <= 1e-9,
        `${record.pair} ${utcDay(record.timestamp)} mms_${w}: ${value} vs ${expected}`,
      );
    }
  }
}

test('the first ingest loads 365 days per pair ending yesterday, every day with exact 20/50/200-day averages', async (t) => {
  const project = await simulatedProject(t);
  const run = await project.mms(['ingest', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  t.true(summary.ok);
  for (const pair of summary.pairs) {
    t.like(pair, {status: 'written', written: 365, firstWritten: '2021-04-27', lastWritten: '2022-04-26', requests: 2});
  }
  const records = await project.records();
  for (const pair of ['BRLBTC', 'BRLETH']) {
    const mine = records.filter((r) => r.pair === pair);
    t.is(mine.length, 365);
    t.deepEqual(
      mine.map((r) => r.timestamp),
      Array.from({length: 365}, (_, i) => dayStart('2021-04-27') + i * DAY),
    );
    t.true(mine.every((r) => r.mms_20 !== null && r.mms_50 !== null && r.mms_200 !== null));
  }
  t.false(
    records.some((r) => r.timestamp >= dayStart('2022-04-27')),
    'the running day is never stored',
  );
  assertExactWindows(t, records);
  t.is(project.requests(), 4);
});

test('an immediate second ingest writes nothing and says the pairs are up to date', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const before = await project.rawData();
  const requests = project.requests();
  const again = await project.mms(['ingest'], NOW);
  t.is(again.code, 0);
  t.regex(again.stdout, /BRLBTC {2}up to date \(stored through 2022-04-26\)/);
  t.regex(again.stdout, /BRLETH {2}up to date/);
  t.is(await project.rawData(), before);
  t.is(project.requests(), requests, 'no request when there is nothing to fetch');
});

test('the next day the daily job writes exactly one new day per pair', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], '2022-04-26T09:00:00Z')).code, 0);
  const before = await project.records();
  const next = await project.mms(['ingest', '--json'], '2022-04-27T09:00:00Z');
  t.is(next.code, 0, next.stderr);
  for (const pair of JSON.parse(next.stdout).pairs) t.like(pair, {written: 1, firstWritten: '2022-04-26', lastWritten: '2022-04-26', requests: 1});
  const after = await project.records();
  t.is(after.length, before.length + 2);
  const added = after.filter((r) => !before.some((b) => b.pair === r.pair && b.timestamp === r.timestamp));
  t.deepEqual(
    added.map((r) => [r.pair, utcDay(r.timestamp)]),
    [
      ['BRLBTC', '2022-04-26'],
      ['BRLETH', '2022-04-26'],
    ],
  );
  assertExactWindows(t, added);
});

test('a backfill writes exactly its range, keeps newer data, and rerunning it changes nothing', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const daily = await project.records();
  const backfill = await project.mms(['ingest', '--from', '2020-08-01', '--to', '2020-08-31', '--json'], NOW);
  t.is(backfill.code, 0, backfill.stderr);
  for (const pair of JSON.parse(backfill.stdout).pairs) t.like(pair, {written: 31, firstWritten: '2020-08-01', lastWritten: '2020-08-31'});
  const after = await project.records();
  t.is(after.length, daily.length + 62);
  for (const record of daily)
    t.deepEqual(
      after.find((r) => r.pair === record.pair && r.timestamp === record.timestamp),
      record,
    );
  assertExactWindows(
    t,
    after.filter((r) => r.timestamp < dayStart('2021-01-01')),
  );
  const raw = await project.rawData();
  t.is((await project.mms(['ingest', '--from', '2020-08-01', '--to', '2020-08-31'], NOW)).code, 0);
  t.is(await project.rawData(), raw);
  // The watermark is the newest stored day, so the daily job is still up to date after a backfill.
  t.regex((await project.mms(['ingest'], NOW)).stdout, /up to date/);
});

test('days without enough history store null windows, never zero or a partial average', async (t) => {
  const project = await simulatedProject(t);
  const run = await project.mms(['ingest', '--from', '2020-01-01', '--to', '2020-02-29', '--pairs', 'BRLETH'], NOW);
  t.is(run.code, 0, run.stderr);
  const records = await project.records();
  t.is(records.length, 60);
  t.true(records.every((r) => r.pair === 'BRLETH'));
  t.is(records.filter((r) => r.mms_20 === null).length, 19);
  t.true(records.every((r) => r.mms_50 === null || records.indexOf(r) >= 49));
  t.true(records.every((r) => r.mms_200 === null));
  assertExactWindows(t, records);
});

test('MMS_NOW decides which day is yesterday', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest', '--pairs', 'BRLBTC'], '2021-12-31T23:59:00-03:00')).code, 0);
  const records = await project.records();
  // 23:59 in São Paulo is already 02:59 UTC on 2022-01-01, so the last complete UTC day is 2021-12-31.
  t.is(utcDay(records.at(-1)!.timestamp), '2021-12-31');
  t.is(records.length, 365);
});

test('--dry-run prints the plan with request counts and writes nothing', async (t) => {
  const project = await simulatedProject(t);
  const run = await project.mms(['ingest', '--dry-run', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout);
  t.true(plan.dryRun);
  const fetchFrom = utcDay(dayStart('2021-04-27') - 199 * DAY);
  // Exactly the configured pairs, in order: an empty or partial plan must not pass.
  t.deepEqual(
    plan.pairs.map((p: {pair: string}) => p.pair),
    ['BRLBTC', 'BRLETH'],
  );
  for (const pair of plan.pairs) {
    // 365 days to write plus 199 days of history for mms_200: 564 bars, two requests of at most 500.
    t.like(pair, {from: '2021-04-27', to: '2022-04-26', fetchFrom, upToDate: false, bars: 365 + 199, requests: 2});
    t.deepEqual(pair.fields, ['mms_20', 'mms_50', 'mms_200'], 'the averages it would compute');
  }
  t.false(existsSync(project.dataPath));
  t.is(project.requests(), 0);
});

test('--dry-run in text lists, per pair, the days it would write, the windows, the bars and the requests; after a run, the one new day', async (t) => {
  const project = await simulatedProject(t);
  const first = await project.mms(['ingest', '--dry-run'], NOW);
  t.is(first.code, 0, first.stderr);
  const fetchFrom = utcDay(dayStart('2021-04-27') - 199 * DAY);
  t.deepEqual(
    first.stdout.trim().split('\n'),
    ['BRLBTC', 'BRLETH'].map(
      (pair) => `${pair}  would write 2021-04-27..2022-04-26 (mms_20, mms_50, mms_200), fetching 564 bars from ${fetchFrom} in 2 request(s)`,
    ),
  );
  t.false(existsSync(project.dataPath));

  t.is((await project.mms(['ingest', '--pairs', 'BRLBTC', '--to', '2022-04-25', '--from', '2021-04-26'], NOW)).code, 0);
  const next = await project.mms(['ingest', '--dry-run'], NOW);
  t.is(next.code, 0, next.stderr);
  // BRLBTC resumes after its newest stored day: one day, fetched with the 199 days before it.
  t.deepEqual(next.stdout.trim().split('\n'), [
    `BRLBTC  would write 2022-04-26..2022-04-26 (mms_20, mms_50, mms_200), fetching 200 bars from ${utcDay(dayStart('2022-04-26') - 199 * DAY)} in 1 request(s)`,
    `BRLETH  would write 2021-04-27..2022-04-26 (mms_20, mms_50, mms_200), fetching 564 bars from ${fetchFrom} in 2 request(s)`,
  ]);
  t.is(project.requests(), 2, 'only the one real run fetched');
});

test('--pairs limits the run, and a pair outside the config is a usage error (exit 2)', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest', '--pairs', 'brlbtc'], NOW)).code, 0);
  t.deepEqual([...new Set((await project.records()).map((r) => r.pair))], ['BRLBTC']);
  const bad = await project.mms(['ingest', '--pairs', 'BRLXRP'], NOW);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--pairs: BRLXRP not in the config's pairs \(BRLBTC, BRLETH\)/);
});

test('an invalid config exits 2 with the file, key path and value, no stack trace, and nothing fetched or written', async (t) => {
  const project = await simulatedProject(t, {
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`},
      transforms: [{use: 'sma', windows: [20, '50x', 200]}],
    }),
  });
  const run = await project.mms(['ingest'], NOW);
  t.is(run.code, 2);
  t.is(run.stderr.trim(), 'Error: mms.config.json: transforms[0].windows[1]: expected a positive integer, got "50x"');
  t.false(existsSync(project.dataPath));
  t.is(project.requests(), 0);
  const json = await project.mms(['ingest', '--json'], NOW);
  t.is(json.code, 2);
  t.like(JSON.parse(json.stdout), {error: {code: 'MMS_CONFIG', exitCode: 2}});
});

test('bad flags exit 2 with a message naming the flag', async (t) => {
  const project = await simulatedProject(t);
  const ms = await project.mms(['ingest', '--from', '1619481600000'], NOW);
  t.is(ms.code, 2);
  t.regex(ms.stderr, /--from: 1619481600000 looks like milliseconds/);
  const future = await project.mms(['ingest', '--from', '2022-04-01', '--to', '2022-04-27'], NOW);
  t.is(future.code, 2);
  t.regex(future.stderr, /--to 2022-04-27 is not complete yet/);
  t.false(existsSync(project.dataPath));
});

test('when the API is unreachable the run exits 3, names each failed pair, and writes nothing', async (t) => {
  const project = await simulatedProject(t, {
    config: () => ({source: {use: 'mercado-bitcoin', baseUrl: 'http://127.0.0.1:9/api/v4', minIntervalMs: 0, retry: {limit: 1, baseDelayMs: 10}}}),
  });
  const run = await project.mms(['ingest', '--json'], NOW);
  t.is(run.code, 3);
  const summary = JSON.parse(run.stdout);
  t.false(summary.ok);
  t.deepEqual(
    summary.pairs.map((p: {pair: string}) => p.pair),
    ['BRLBTC', 'BRLETH'],
  );
  for (const pair of summary.pairs) {
    t.like(pair, {status: 'failed', written: 0, requests: 2, error: {kind: 'transient'}});
    // The window left to write (the one queued for retry), not the request that failed on the way.
    t.regex(pair.error.message, new RegExp(`^${pair.pair} 2021-04-27\\.\\.2022-04-26: network error .* after 2 attempt\\(s\\)`));
  }
  t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
  t.false(existsSync(project.dataPath));
});

test('the legacy API yields the same records as API v4', async (t) => {
  const v4 = await simulatedProject(t);
  const legacy = await simulatedProject(t, {
    config: (url) => ({source: {use: 'mercado-bitcoin', api: 'legacy', baseUrl: `${url}/v4`, minIntervalMs: 0}}),
  });
  t.is((await v4.mms(['ingest'], NOW)).code, 0);
  const run = await legacy.mms(['ingest'], NOW);
  t.is(run.code, 0, run.stderr);
  t.is(await legacy.rawData(), await v4.rawData());
});

test('intraday: hourly bars from the synthetic series get hourly records and exact windows', async (t) => {
  const dataset = syntheticDataset(3);
  const project = await simulatedProject(t, {
    dataset,
    config: (url) => ({
      pairs: ['BRLBTC'],
      resolution: '1h',
      initialBars: 48,
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows: [3, 24]}],
    }),
  });
  const now = '2024-03-10T10:30:00Z';
  const run = await project.mms(['ingest'], now);
  t.is(run.code, 0, run.stderr);
  const records = await project.records();
  const last = Date.parse('2024-03-10T09:00:00Z') / 1000;
  t.deepEqual(
    records.map((r) => r.timestamp),
    Array.from({length: 48}, (_, i) => last - (47 - i) * 3600),
  );
  const candles = dataset.candles('BRLBTC', 3600, last - 70 * 3600, last, Date.parse(now) / 1000);
  for (const record of records) {
    const index = candles.findIndex((c) => c.timestamp === record.timestamp);
    const expected = exactMean(candles.slice(index - 23, index + 1).map((c) => String(c.close)));
    t.true(relativeError(record.mms_24 as number, expected) <= 1e-9);
  }
});

test('a TypeScript config written with defineConfig from the package loads (as mms.config.ts does)', async (t) => {
  const project = await simulatedProject(t);
  const configPath = join(ROOT, 'test', 'fixtures', 'mms.config.ts');
  // A process: how the binary imports a .ts file is under test, and this test process imports it through tsx.
  const run = await runCli(['ingest', '--config', configPath, '--pairs', 'BRLETH', '--json'], {
    cwd: project.dir,
    env: {MMS_NOW: NOW, MMS_SIMULATOR_URL: project.simulatorUrl, MMS_TEST_DATA_PATH: project.dataPath},
  });
  t.is(run.code, 0, run.stderr);
  t.like(JSON.parse(run.stdout), {ok: true, pairs: [{pair: 'BRLETH', written: 365}]});
  t.is((await project.records()).length, 365);
});

test('a corrupt data file stops the run with exit 4 and is left untouched', async (t) => {
  const project = await simulatedProject(t);
  await project.mms(['ingest', '--pairs', 'BRLBTC', '--from', '2022-04-01'], NOW);
  await writeFile(project.dataPath, '[{"pair": "BRLBTC", "timest');
  const run = await project.mms(['ingest'], NOW);
  t.is(run.code, 4);
  t.regex(run.stderr, /data\/mms\.json is not a JSON array of records .* never overwrites a file it cannot read/);
  t.is(await project.rawData(), '[{"pair": "BRLBTC", "timest');
});

test('a password in the API URL is refused and never printed, in text or --json', async (t) => {
  const project = await simulatedProject(t, {config: () => ({source: {use: 'mercado-bitcoin', baseUrl: 'http://user:s3cret@127.0.0.1:9/api/v4'}})});
  for (const args of [['ingest'], ['ingest', '--json']]) {
    const run = await project.mms(args, NOW);
    t.is(run.code, 2);
    t.regex(run.stdout + run.stderr, /source\.baseUrl: expected the API root only: no user name or password/);
    t.notRegex(run.stdout + run.stderr, /s3cret/);
  }
});

test('--shard i/n runs a stable share of the pairs; the shares of all workers together are every pair', async (t) => {
  const project = await simulatedProject(t);
  const first = await project.mms(['ingest', '--shard', '0/2', '--json'], NOW);
  const second = await project.mms(['ingest', '--shard', '1/2', '--json'], NOW);
  t.is(first.code, 0, first.stderr);
  t.is(second.code, 0, second.stderr);
  const shares = [first, second].map((run) => (JSON.parse(run.stdout) as {pairs: Array<{pair: string}>}).pairs.map((p) => p.pair));
  t.deepEqual(shares.flat().sort(), ['BRLBTC', 'BRLETH']);
  t.is((await project.records()).length, 730);
  const bad = await project.mms(['ingest', '--shard', '2/2'], NOW);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--shard: expected i\/n with 0 <= i < n/);
});
