import test from 'ava';
import {MongodbSink} from '../../plugins/mongodb/mongodb-sink.js';
import {mongodbConfigSchema} from '../../plugins/mongodb/config-schema.js';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import {servedFields} from '../../src/api/served-field.js';
import {NOW, recordedRecords, SMA_FIELDS, seededApi} from '../helpers/seeded-api.js';
import {DAY, day} from '../helpers/utc-day.js';

const today = Math.floor(NOW / 1000 / DAY) * DAY;
const yesterday = today - DAY;
type Row = {timestamp: number; close: number | null; mms_20: number | null; mms_50: number | null; mms_200: number | null};

function expected(records: readonly MmsRecord[], pair: string, from: number, to: number): Row[] {
  const value = (v: unknown) => (typeof v === 'number' ? v : null);
  return records
    .filter((r) => r.pair === pair && r.timestamp >= from && r.timestamp <= to)
    .map((r) => ({timestamp: r.timestamp, close: value(r.close), mms_20: value(r.mms_20), mms_50: value(r.mms_50), mms_200: value(r.mms_200)}));
}

test('GET /:pair/records answers every stored day with its close and each window, ascending, up to yesterday by default', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-03-01');
  const {status, body, headers} = await api.get(`/BRLBTC/records?from=${from}`);
  t.is(status, 200);
  t.regex(headers.get('content-type') ?? '', /application\/json/);
  const rows = body as Row[];
  t.deepEqual(rows, expected(recordedRecords(), 'BRLBTC', from, yesterday));
  t.is(rows.length, 57);
  t.is(rows.at(-1)!.timestamp, yesterday);
  t.deepEqual(Object.keys(rows[0]!), ['timestamp', 'close', 'mms_20', 'mms_50', 'mms_200']);
  const exact = (await api.get(`/BRLETH/records?from=${day('2022-04-01')}&to=${day('2022-04-03') + 3600}`)).body as Row[];
  t.deepEqual(
    exact.map((r) => r.timestamp),
    [day('2022-04-01'), day('2022-04-02'), day('2022-04-03')],
    'bounds inclusive, a `to` inside a day includes it',
  );
});

test('a day without a value for a window is null in that column (never 0, never left out)', async (t) => {
  const gap = day('2022-04-10');
  const records = recordedRecords().map((r) => (r.pair === 'BRLBTC' && r.timestamp === gap ? {...r, mms_200: null} : r));
  const api = await seededApi(t, {records});
  const rows = (await api.get(`/BRLBTC/records?from=${gap - DAY}&to=${gap + DAY}`)).body as Row[];
  t.deepEqual(
    rows.map((r) => r.timestamp),
    [gap - DAY, gap, gap + DAY],
  );
  t.is(rows[1]!.mms_200, null);
  t.is(typeof rows[1]!.mms_20, 'number');
  t.deepEqual(rows, expected(records, 'BRLBTC', gap - DAY, gap + DAY));
});

test('an empty result is 200 []', async (t) => {
  const api = await seededApi(t, {records: recordedRecords().filter((r) => r.pair === 'BRLBTC')});
  const response = await api.get(`/BRLETH/records?from=${day('2022-04-01')}`);
  t.is(response.status, 200);
  t.deepEqual(response.body, []);
});

test("the same client mistakes as /:pair/mms are the same 400s, naming this route's parameters", async (t) => {
  const api = await seededApi(t);
  const from = day('2022-04-01');
  const cases: Array<[string, string, RegExp]> = [
    [`/BRLXRP/records?from=${from}`, 'unknown_pair', /pair must be one of BRLBTC, BRLETH/],
    ['/BRLBTC/records', 'invalid_from', /from is required/],
    [`/BRLBTC/records?from=abc`, 'invalid_from', /from must be an integer \(Unix seconds\)/],
    [`/BRLBTC/records?from=${from}&to=Infinity`, 'invalid_to', /to must be/],
    [`/BRLBTC/records?from=${from * 1000}`, 'invalid_from', /milliseconds\?/],
    [`/BRLBTC/records?from=${from}&range=20`, 'unknown_parameter', /range is not a parameter of this route \(known: from, to\)/],
    [`/BRLBTC/records?from=${from}&to=${from - DAY}`, 'from_after_to', /is after to/],
    [`/BRLBTC/records?from=${today - 365 * DAY - 1}`, 'from_too_old', /the oldest accepted is \d+ \(2021-04-27\)/],
  ];
  for (const [path, error, message] of cases) {
    const response = await api.get(path);
    t.is(response.status, 400, path);
    t.is((response.body as {error: string}).error, error, path);
    t.regex((response.body as {message: string}).message, message, path);
  }
  t.is((await api.get(`/BRLBTC/records?from=${today - 365 * DAY}`)).status, 200, 'exactly 365 days back is accepted');
});

test('while the store cannot be read, /:pair/records is a 503, not a 500', async (t) => {
  const sink = new MongodbSink(mongodbConfigSchema.parse({url: 'mongodb://127.0.0.1:9', serverSelectionTimeoutMs: 200}));
  t.teardown(() => sink.close());
  const api = await seededApi(t, {sink});
  const response = await api.get(`/BRLBTC/records?from=${day('2022-04-01')}`);
  t.is(response.status, 503);
  t.like(response.body, {error: 'store_unavailable'});
});

test("a user transform's fields are served like the averages: in /records, described in /openapi.json and /pairs, and stored values never made 0", async (t) => {
  // A transform as a user writes it: one field, described; another it does not describe.
  const signal = {name: 'signal', fields: ['cross_20_50', 'spread'], lookback: 51, apply: () => new Map()};
  const described = {...signal, describe: {cross_20_50: {label: 'Cross 20/50', description: '+1 up, -1 down, 0 none', unit: 'number' as const}}};
  const fields = [...SMA_FIELDS, ...servedFields([described])];
  const records = recordedRecords().map((r, i) => ({...r, cross_20_50: i % 7 === 0 ? null : (i % 3) - 1, spread: i % 5 === 0 ? null : i / 4}));
  const api = await seededApi(t, {records, fields});
  const from = day('2022-04-01');

  const rows = (await api.get(`/BRLBTC/records?from=${from}`)).body as Array<Record<string, unknown>>;
  const stored = records.filter((r) => r.pair === 'BRLBTC' && r.timestamp >= from && r.timestamp <= yesterday);
  t.is(rows.length, stored.length);
  t.deepEqual(
    rows.map((r) => [r.timestamp, r.cross_20_50, r.spread]),
    stored.map((r) => [r.timestamp, r.cross_20_50, r.spread]),
  );
  t.deepEqual(Object.keys(rows[0]!), ['timestamp', 'close', 'mms_20', 'mms_50', 'mms_200', 'cross_20_50', 'spread']);

  const openapi = (await api.get('/openapi.json')).body as {
    paths: Record<
      string,
      {get: {responses: Record<string, {content: Record<string, {schema: {items: {required: string[]; properties: Record<string, {description: string}>}}}>}>}}
    >;
  };
  const row = openapi.paths['/{pair}/records']!.get.responses['200']!.content['application/json']!.schema.items;
  t.true(row.required.includes('cross_20_50') && row.required.includes('spread'));
  t.is(row.properties.cross_20_50!.description, '+1 up, -1 down, 0 none');
  t.is(row.properties.spread!.description, 'Written by the signal transform; null where it has no value');

  const pairs = (await api.get('/pairs')).body as {windows: number[]; fields: unknown[]};
  t.deepEqual(pairs.windows, [20, 50, 200], 'only the averages are windows of /{pair}/mms');
  t.deepEqual(pairs.fields.slice(3), [
    {name: 'cross_20_50', label: 'Cross 20/50', description: '+1 up, -1 down, 0 none', unit: 'number'},
    {name: 'spread', label: 'spread', description: 'Written by the signal transform; null where it has no value', unit: 'number'},
  ]);
});
