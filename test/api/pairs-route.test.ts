import {join} from 'node:path';
import test from 'ava';
import {buildApp} from '../../src/api/build-app.js';
import {SeriesCache} from '../../src/api/series-cache.js';
import {splitPair} from '../../src/api/split-pair.js';
import {stderrLogger} from '../../src/logger/stderr-logger.js';
import {JsonFileSink} from '../../plugins/json-file/json-file-sink.js';
import {NOW, recordedRecords, SMA_FIELDS, seededApi} from '../helpers/seeded-api.js';
import {tempDir} from '../helpers/temp-dir.js';
import {day} from '../helpers/utc-day.js';

test("GET /pairs gives the pairs (quote, base, newest stored day), the windows and fields and the server's today", async (t) => {
  const api = await seededApi(t, {records: recordedRecords().filter((r) => r.pair === 'BRLBTC')});
  const {status, body} = await api.get('/pairs');
  t.is(status, 200);
  t.deepEqual(body, {
    today: day('2022-04-27'),
    oldestFrom: day('2021-04-27'),
    windows: [20, 50, 200],
    fields: [20, 50, 200].map((w) => ({
      name: `mms_${w}`,
      label: `MMS ${w}`,
      description: `${w}-bar simple moving average of the close, the bar itself included; null without ${w} bars of history`,
      unit: 'price',
    })),
    pairs: [
      {pair: 'BRLBTC', quote: 'BRL', base: 'BTC', latest: day('2022-04-26')},
      {pair: 'BRLETH', quote: 'BRL', base: 'ETH', latest: null},
    ],
  });
});

test('GET /pairs refuses query parameters, saying it takes none', async (t) => {
  const api = await seededApi(t);
  for (const query of ['from=1', 'pair=BRLBTC', 'x=']) {
    const {status, body} = await api.get(`/pairs?${query}`);
    t.is(status, 400, query);
    t.deepEqual(body, {error: 'unknown_parameter', message: `${query.split('=')[0]} is not a parameter: this route takes no query parameters`});
  }
  t.is((await api.get('/pairs?')).status, 200, 'an empty query is no parameter');
});

test('a pair is split into quote and base only when it starts with a known quote currency; otherwise both are null', async (t) => {
  t.deepEqual(splitPair('BRLBTC'), {quote: 'BRL', base: 'BTC'});
  t.deepEqual(splitPair('BRLUSDC'), {quote: 'BRL', base: 'USDC'});
  t.deepEqual(splitPair('BRL1INCH'), {quote: 'BRL', base: '1INCH'});
  for (const pair of ['BTCUSDT', 'USDTBRL', 'AB', 'BRL', 'XYZ123', 'ETHBRL']) t.is(splitPair(pair), null, pair);

  const dir = await tempDir(t);
  const clock = {now: () => NOW};
  const pairs = ['BRLBTC', 'BTCUSDT', 'AB'];
  const cache = new SeriesCache(new JsonFileSink(join(dir, 'mms.json')), pairs, ['mms_20'], clock, stderrLogger('silent'));
  await cache.start(60_000);
  const app = await buildApp({pairs, fields: SMA_FIELDS.slice(0, 1), cache, clock, version: 'test'});
  t.teardown(async () => {
    cache.stop();
    await app.close();
  });
  const response = await app.inject('/pairs');
  t.deepEqual((response.json() as {pairs: unknown[]}).pairs, [
    {pair: 'BRLBTC', quote: 'BRL', base: 'BTC', latest: null},
    {pair: 'BTCUSDT', quote: null, base: null, latest: null},
    {pair: 'AB', quote: null, base: null, latest: null},
  ]);
});
