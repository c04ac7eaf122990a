import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import test from 'ava';
import {exactDecimal} from '../../src/core/contracts/candle.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {widePriceDataset} from '../../simulator/wide-price-dataset.js';
import {simulatedProject} from '../helpers/simulated-project.js';
import {exactDecimalMean} from '../plugins/sma/exact-decimal-mean.js';

const DAY = 86_400;
const NOW = '2022-04-27T12:00:00Z';
const WINDOWS = [20, 50, 200];

test('at prices from 5e9 to 4e12 with eight decimals (18 to 21 digits), every stored average is the exact decimal mean of the served closes, rounded once', async (t) => {
  const dataset = widePriceDataset(recordedDataset());
  const project = await simulatedProject(t, {dataset});
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const records = await project.records();
  t.true(records.length > 700);
  const now = Date.parse(NOW) / 1000;
  for (const pair of ['BRLBTC', 'BRLETH']) {
    // What the exchange served, as text: the reference averages those decimals, independently of mms.
    const closes = new Map(dataset.candles(pair, DAY, 0, now, now).map((c) => [c.timestamp, exactDecimal(c, 'close')]));
    t.true(
      [...closes.values()].every((close) => String(Number(close)) !== close),
      'every close has more digits than a float64 holds',
    );
    for (const record of records.filter((r) => r.pair === pair)) {
      for (const window of WINDOWS) {
        const texts = Array.from({length: window}, (_, k) => closes.get(record.timestamp - (window - 1 - k) * DAY));
        const expected = exactDecimalMean(texts);
        const stored = record[`mms_${window}`];
        if (Number.isNaN(expected) ? stored !== null : stored !== expected) {
          t.fail(`${pair} ${new Date(record.timestamp * 1000).toISOString().slice(0, 10)} mms_${window}: stored ${stored}, exact ${expected}`);
          return;
        }
      }
    }
  }
});

test('at those prices, days loaded in three runs are the same bytes as in one', async (t) => {
  const dataset = widePriceDataset(recordedDataset());
  const once = await simulatedProject(t, {dataset});
  t.is((await once.mms(['ingest'], NOW)).code, 0);
  const pieces = await simulatedProject(t, {dataset});
  for (const at of ['2021-11-02T12:00:00Z', '2022-02-13T12:00:00Z', NOW]) t.is((await pieces.mms(['ingest'], at)).code, 0);
  // The first of the three runs reaches further back (a year before its own day): the days both hold are compared.
  const byDay = new Map((await pieces.records()).map((r) => [`${r.pair} ${r.timestamp}`, JSON.stringify(r)]));
  const all = await once.records();
  t.deepEqual(
    all.map((r) => byDay.get(`${r.pair} ${r.timestamp}`)),
    all.map((r) => JSON.stringify(r)),
  );
});

test('every candle a run fetched, the look-back before the first record included, is stored in the SQLite store as the exchange sent it', async (t) => {
  const dataset = widePriceDataset(recordedDataset());
  const project = await simulatedProject(t, {
    dataset,
    config: (url) => ({
      pairs: ['BRLBTC'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      transforms: [{use: 'sma', windows: WINDOWS}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const db = new DatabaseSync(join(project.dir, 'data', 'mms.db'), {readOnly: true});
  t.teardown(() => db.close());
  const stored = db.prepare("SELECT timestamp, open, high, low, close, volume FROM candles WHERE pair = 'BRLBTC' ORDER BY timestamp").all();
  const [first] = db.prepare("SELECT min(timestamp) AS first FROM records WHERE pair = 'BRLBTC'").all() as Array<{first: number}>;
  const now = Date.parse(NOW) / 1000;
  const served = dataset
    .candles('BRLBTC', DAY, first!.first - 199 * DAY, now - (now % DAY) - DAY, now)
    .map((c) => ({timestamp: c.timestamp, ...Object.fromEntries((['open', 'high', 'low', 'close', 'volume'] as const).map((k) => [k, exactDecimal(c, k)]))}));
  t.is(served.length, 365 + 199);
  // Each value a REAL, or the TEXT a REAL cannot hold: the decimal either way is the one served.
  t.deepEqual(
    stored.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'timestamp' ? value : String(value)]))),
    served,
  );
  t.true(
    stored.every((row) => typeof row.close === 'string'),
    'closes of 20 digits are kept as text',
  );
});
