import {access, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {computeSmas} from '../../plugins/sma/compute-sma.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {exampleProject} from '../helpers/example-project.js';
import {recordedDays} from '../helpers/recorded-closes.js';
import {ROOT, runCli} from '../helpers/run-cli.js';

const NOW = '2022-04-27T22:02:04Z';

/**
 * Runs `mms <args>` in a copy of an example's folder (see exampleProject: as shipped, importing `mms` as a
 * user's project does, writing only to a temp dir), against a simulator on loopback.
 */
async function inExample(t: import('ava').ExecutionContext, example: string, args: string[]) {
  const dir = await exampleProject(t, [join('examples', example)]);
  const simulator = await startSimulator({dataset: recordedDataset(), now: () => Date.parse(NOW)});
  t.teardown(() => simulator.close());
  const run = (more: string[] = [], now = NOW) => runCli([...args, ...more], {cwd: dir, env: {MMS_NOW: now, MMS_SIMULATOR_URL: simulator.url}});
  return {dir, run};
}

test('examples/crossover: a user transform loaded from a relative path signals the days mms_20 crosses mms_50', async (t) => {
  const example = await inExample(t, 'crossover', ['ingest', '--config', 'mms.config.ts']);
  const run = await example.run();
  t.is(run.code, 0, run.stderr);
  const records = JSON.parse(await readFile(join(example.dir, 'data', 'mms.json'), 'utf8')) as Array<{
    pair: string;
    timestamp: number;
    cross_20_50: number | null;
  }>;
  // The expected signal, from the recorded closes alone.
  const days = recordedDays('BRLBTC');
  const [m20, m50] = computeSmas(
    Float64Array.from(days, (d) => Number(d.close)),
    [20, 50],
  );
  const btc = records.filter((r) => r.pair === 'BRLBTC');
  t.is(btc.length, 365);
  let crossings = 0;
  for (const record of btc) {
    const i = days.findIndex((d) => d.timestamp === record.timestamp);
    const before = m20![i - 1]! - m50![i - 1]!;
    const now = m20![i]! - m50![i]!;
    const expected = before <= 0 && now > 0 ? 1 : before >= 0 && now < 0 ? -1 : 0;
    t.is(record.cross_20_50, expected, new Date(record.timestamp * 1000).toISOString());
    if (expected !== 0) crossings++;
  }
  t.true(crossings > 2, `the year has crossings to find (${crossings})`);
});

test('examples/ndjson-sink: a user sink loaded from a relative path receives every record, and the next run reads its watermark back', async (t) => {
  const example = await inExample(t, 'ndjson-sink', ['ingest', '--config', 'mms.config.ts']);
  t.is((await example.run()).code, 0);
  const lines = (await readFile(join(example.dir, 'data', 'mms.ndjson'), 'utf8')).trim().split('\n');
  t.is(lines.length, 730);
  t.like(JSON.parse(lines[0]!), {pair: 'BRLBTC', timestamp: Date.parse('2021-04-27T00:00:00Z') / 1000});
  const again = await example.run();
  t.regex(again.stdout, /BRLBTC {2}up to date \(stored through 2022-04-26\)/);
});

/** The closes of one pair in the example's CSV, read independently of the plugin under test. */
function csvCloses(csv: string, pair: string): Array<{timestamp: number; close: number}> {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((cells) => cells[0] === pair)
    .map((cells) => ({timestamp: Date.parse(`${cells[1]}T00:00:00Z`) / 1000, close: Number(cells[5])}))
    .sort((a, b) => a.timestamp - b.timestamp);
}

test('examples/csv-source: a user source loaded from a relative path feeds the SMA from a CSV file, with no network', async (t) => {
  // No simulator: the example reads only its CSV file.
  const dir = await exampleProject(t, ['examples/csv-source']);
  const run = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: dir, env: {MMS_NOW: NOW}});
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /BRLBTC {2}wrote 30 record\(s\) 2022-03-28\.\.2022-04-26/);
  const records = JSON.parse(await readFile(join(dir, 'data', 'mms.json'), 'utf8')) as Array<{
    pair: string;
    timestamp: number;
    close: number;
    mms_7: number | null;
    mms_30: number | null;
  }>;
  const csv = await readFile(join(dir, 'candles.csv'), 'utf8');
  for (const pair of ['BRLBTC', 'BRLETH']) {
    const days = csvCloses(csv, pair);
    t.is(days.length, 116, 'the CSV holds 2022-01-01..2022-04-26 without a hole');
    const [m7, m30] = computeSmas(
      Float64Array.from(days, (d) => d.close),
      [7, 30],
    );
    const mine = records.filter((r) => r.pair === pair);
    t.is(mine.length, 30);
    for (const record of mine) {
      const i = days.findIndex((d) => d.timestamp === record.timestamp);
      // Every written day has its full 30-day window: the source was asked for the history before it too.
      t.deepEqual([record.close, record.mms_7, record.mms_30], [days[i]!.close, m7![i], m30![i]], `${pair} ${new Date(record.timestamp * 1000).toISOString()}`);
    }
  }
  const again = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: dir, env: {MMS_NOW: NOW}});
  t.regex(again.stdout, /BRLETH {2}up to date \(stored through 2022-04-26\)/);
});

test('examples/csv-source: a malformed row fails the run with the file, line and cell named (exit 3, queued for retry)', async (t) => {
  const dir = await exampleProject(t, ['examples/csv-source']);
  const csv = (await readFile(join(dir, 'candles.csv'), 'utf8')).split('\n');
  csv[4] = csv[4]!.replace(/,[^,]+$/, ',n/a');
  await writeFile(join(dir, 'candles.csv'), csv.join('\n'));
  const run = await runCli(['ingest', '--config', 'mms.config.ts', '--pairs', 'BRLBTC'], {cwd: dir, env: {MMS_NOW: NOW}});
  t.is(run.code, 3, run.stderr);
  t.regex(run.stdout + run.stderr, /candles\.csv line 5: "volume" must be a number, got "n\/a"; fix the file/);
});

test('examples/line-alarm: mms gaps fires a user alarm loaded from a relative path, only when days are missing', async (t) => {
  const example = await inExample(t, 'line-alarm', []);
  const alarms = join(example.dir, 'data', 'alarms.log');
  t.is((await example.run(['ingest', '--config', 'mms.config.ts'])).code, 0);
  const complete = await example.run(['gaps', '--config', 'mms.config.ts', '--days', '30']);
  t.is(complete.code, 0, complete.stderr);
  await t.throwsAsync(access(alarms), {code: 'ENOENT'}, 'a complete store raises no alarm');
  // Two days later without a run in between: both days are missing for both pairs.
  const later = '2022-04-29T12:00:00Z';
  const missing = await example.run(['gaps', '--config', 'mms.config.ts', '--days', '30'], later);
  t.is(missing.code, 6, missing.stderr);
  t.deepEqual((await readFile(alarms, 'utf8')).split('\n'), [
    '2022-04-29T12:00:00.000Z BRLBTC missing 2022-04-27..2022-04-28 (2 bars, not-ingested)',
    '2022-04-29T12:00:00.000Z BRLETH missing 2022-04-27..2022-04-28 (2 bars, not-ingested)',
    '',
  ]);
  t.regex(missing.stderr, /ALARM/, 'the bundled log alarm configured beside it fired too');
  // It appends: the next alarm adds its lines after the first ones.
  await example.run(['gaps', '--config', 'mms.config.ts', '--days', '30'], later);
  t.is((await readFile(alarms, 'utf8')).trim().split('\n').length, 4);
});

test('mms plugins lists the bundled plugins and those a config loads, with kind, origin and config keys', async (t) => {
  // Reads the example's config only (no data), so it can run beside the test that ingests with it.
  const run = await runCli(['plugins', '--config', 'mms.config.ts', '--json'], {cwd: join(ROOT, 'examples', 'crossover')});
  t.is(run.code, 0, run.stderr);
  const {plugins} = JSON.parse(run.stdout) as {plugins: Array<{name: string; kind: string; origin: string; configKeys: string[] | null}>};
  t.deepEqual(
    plugins.map((p) => `${p.kind}:${p.name}`),
    [
      'source:mercado-bitcoin',
      'transform:crossover',
      'transform:sma',
      'sink:json-file',
      'sink:mongodb',
      'sink:sqlite',
      'alarm:file',
      'alarm:log',
      'alarm:webhook',
    ],
  );
  t.like(plugins[1], {origin: './crossover-transform.ts', configKeys: ['fast', 'slow']});
  t.like(plugins[2], {origin: 'bundled', configKeys: ['windows']});
});
