import {readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {computeSmas} from '../../plugins/sma/compute-sma.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {recordedDays} from '../helpers/recorded-closes.js';
import {ROOT, runCli} from '../helpers/run-cli.js';

const NOW = '2022-04-27T22:02:04Z';

/** Runs `mms <args>` in an example's folder, as its README line says, against a simulator on loopback. */
async function inExample(t: import('ava').ExecutionContext, example: string, args: string[]) {
  const dir = join(ROOT, 'examples', example);
  await rm(join(dir, 'data'), {recursive: true, force: true});
  t.teardown(() => rm(join(dir, 'data'), {recursive: true, force: true}));
  const simulator = await startSimulator({dataset: recordedDataset(), now: () => Date.parse(NOW)});
  t.teardown(() => simulator.close());
  const run = (more: string[] = []) => runCli([...args, ...more], {cwd: dir, env: {MMS_NOW: NOW, MMS_SIMULATOR_URL: simulator.url}});
  return {dir, run};
}

test('examples/crossover: a user transform loaded from a relative path signals the days mms_20 crosses mms_50', async (t) => {
  const example = await inExample(t, 'crossover', ['ingest', '--config', 'mms.config.ts']);
  const run = await example.run();
  t.is(run.code, 0, run.stderr);
  const records = JSON.parse(await readFile(join(example.dir, 'data', 'mms.json'), 'utf8')) as Array<{pair: string; timestamp: number; cross_20_50: number | null}>;
  // The expected signal, from the recorded closes alone.
  const days = recordedDays('BRLBTC');
  const [m20, m50] = computeSmas(Float64Array.from(days, (d) => Number(d.close)), [20, 50]);
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

test('mms plugins lists the bundled plugins and those a config loads, with kind, origin and config keys', async (t) => {
  // Reads the example's config only (no data), so it can run beside the test that ingests with it.
  const run = await runCli(['plugins', '--config', 'mms.config.ts', '--json'], {cwd: join(ROOT, 'examples', 'crossover')});
  t.is(run.code, 0, run.stderr);
  const {plugins} = JSON.parse(run.stdout) as {plugins: Array<{name: string; kind: string; origin: string; configKeys: string[] | null}>};
  t.deepEqual(plugins.map((p) => `${p.kind}:${p.name}`), [
    'source:mercado-bitcoin',
    'transform:crossover',
    'transform:sma',
    'sink:json-file',
    'sink:mongodb',
    'alarm:file',
    'alarm:log',
    'alarm:webhook',
  ]);
  t.like(plugins[1], {origin: './crossover-transform.ts', configKeys: ['fast', 'slow']});
  t.like(plugins[2], {origin: 'bundled', configKeys: ['windows']});
});
