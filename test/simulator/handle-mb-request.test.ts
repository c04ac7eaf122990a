import {readFileSync} from 'node:fs';
import test from 'ava';
import {type Fault, FaultPlan} from '../../simulator/fault-plan.js';
import {handleMbRequest} from '../../simulator/handle-mb-request.js';
import {RECORDED_AT, RECORDED_FILE, recordedDataset} from '../../simulator/recorded-dataset.js';
import {syntheticDataset} from '../../simulator/synthetic-dataset.js';

const DAY = 86_400;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const recorded = {dataset: recordedDataset(), now: () => Date.parse(RECORDED_AT)};

function get(path: string, options = recorded) {
  const response = handleMbRequest(new URL(path, 'http://simulator'), options);
  return {status: response.status, body: JSON.parse(response.body)};
}

test('v4 candles honour inclusive from and to on the bucket open time', (t) => {
  const {status, body} = get(`/api/v4/candles?symbol=BTC-BRL&resolution=1d&from=${day('2021-01-01')}&to=${day('2021-01-10')}`);
  t.is(status, 200);
  t.deepEqual(
    body.t,
    Array.from({length: 10}, (_, i) => day('2021-01-01') + i * DAY),
  );
  t.true(
    [...body.o, body.h, body.l, body.c, body.v].flat().every((v: unknown) => typeof v === 'string'),
    'prices and volumes are decimal strings',
  );
});

test('v4 countback returns the last N bars up to "to"', (t) => {
  const {body} = get(`/api/v4/candles?symbol=ETH-BRL&resolution=1d&countback=3&to=${day('2021-01-10')}`);
  t.deepEqual(body.t, [day('2021-01-08'), day('2021-01-09'), day('2021-01-10')]);
});

test('the legacy endpoint serves the recorded response shape with JSON numbers', (t) => {
  const {status, body} = get(`/v4/BRLBTC/candle?from=${day('2020-01-01')}&to=${day('2020-01-02')}&precision=1d`);
  t.is(status, 200);
  t.like(body, {status_code: 100, status_message: 'Success'});
  const recordedFile = JSON.parse(readFileSync(RECORDED_FILE, 'utf8'));
  t.deepEqual(body.candles, recordedFile.BRLBTC.candles.slice(0, 2));
});

test('the recorded partial day is served only as the running bucket, and nothing from the future', (t) => {
  const window = `from=${day('2022-04-25')}&to=${day('2022-04-28')}`;
  const atRecording = get(`/api/v4/candles?symbol=BTC-BRL&resolution=1d&${window}`);
  t.deepEqual(atRecording.body.t, [day('2022-04-25'), day('2022-04-26'), day('2022-04-27')]);
  const dayBefore = get(`/api/v4/candles?symbol=BTC-BRL&resolution=1d&${window}`, {...recorded, now: () => Date.parse('2022-04-26T08:00:00Z')});
  t.deepEqual(dayBefore.body.t, [day('2022-04-25')], '2022-04-26 was running at 08:00 but only 2022-04-27 was recorded partial');
});

test('an unknown symbol is a 400 with MB error JSON; missing parameters too', (t) => {
  t.like(get(`/api/v4/candles?symbol=XRP-BRL&resolution=1d&from=0&to=${day('2021-01-01')}`), {
    status: 400,
    body: {code: 'PUBLIC_DATA|LIST_CANDLES|SYMBOL_IS_INVALID'},
  });
  t.is(get('/api/v4/candles?symbol=BTC-BRL&resolution=1d&from=0').status, 400);
  t.is(get(`/api/v4/candles?symbol=BTC-BRL&resolution=2d&from=0&to=${day('2021-01-01')}`).status, 400);
});

test('independent recordings of the same days agree with what the simulator serves', (t) => {
  for (const [pair, file] of [
    ['BRLBTC', 'githubgoncalves__flask-medias-moveis-mb__api__infra__repository__dataset_example__candle.json'],
    ['BRLETH', 'edlincoln__mms__resources__mock__eth.json'],
  ] as const) {
    const other = JSON.parse(readFileSync(new URL(`../../fixtures/mb-recorded/${file}`, import.meta.url), 'utf8')).candles as Array<{
      timestamp: number;
      close: number;
    }>;
    const served = get(`/v4/${pair}/candle?from=${other[0]!.timestamp}&to=${other.at(-1)!.timestamp}&precision=1d`).body.candles;
    t.is(served.length, other.length);
    t.deepEqual(served, other);
  }
});

test('the synthetic series is deterministic, aligned to any resolution, and never ahead of the clock', (t) => {
  const options = {dataset: syntheticDataset(9), now: () => Date.parse('2024-01-01T10:30:00Z')};
  const path = `/api/v4/candles?symbol=BTC-BRL&resolution=15m&from=${day('2024-01-01')}&to=${day('2024-01-02')}`;
  const first = get(path, options);
  t.deepEqual(get(path, options).body, first.body);
  t.is(first.body.t.length, 43, '00:00 .. 10:30 in 15-minute buckets, the running 10:30 one included');
  t.true(first.body.t.every((ts: number) => ts % 900 === 0));
  t.notDeepEqual(get(path, {...options, dataset: syntheticDataset(10)}).body.c, first.body.c);
});

const LEGACY_WINDOW = `/v4/BRLBTC/candle?from=${day('2022-04-01')}&to=${day('2022-04-05')}&precision=1d`;
const V4_WINDOW = `/api/v4/candles?symbol=BTC-BRL&resolution=1d&from=${day('2022-04-01')}&to=${day('2022-04-05')}`;
const raw = (path: string, faults: Fault[]) => handleMbRequest(new URL(path, 'http://simulator'), {...recorded, faults: new FaultPlan(faults)});

test('legacy: malformed-json cuts the body mid-document, so it no longer parses', (t) => {
  const clean = raw(LEGACY_WINDOW, []);
  const cut = raw(LEGACY_WINDOW, [{type: 'malformed-json'}]);
  t.is(cut.status, 200);
  t.is(cut.body, clean.body.slice(0, Math.floor(clean.body.length / 2)));
  t.throws(() => JSON.parse(cut.body), {instanceOf: SyntaxError});
});

test('legacy: unequal-columns drops the close of the first bar and leaves the others whole', (t) => {
  const response = raw(LEGACY_WINDOW, [{type: 'unequal-columns'}]);
  const body = JSON.parse(response.body) as {candles: Array<Record<string, number>>};
  const clean = get(LEGACY_WINDOW).body as {candles: Array<Record<string, number>>};
  t.is(response.status, 200);
  t.is(body.candles.length, 5);
  const {close, ...withoutClose} = clean.candles[0]!;
  t.true(typeof close === 'number');
  t.deepEqual(body.candles[0], withoutClose, 'the first bar lost its close, nothing else');
  t.deepEqual(body.candles.slice(1), clean.candles.slice(1));
});

test('legacy: a corruption counted in requests applies only to those, and only to the pair named', (t) => {
  const faults = new FaultPlan([{type: 'malformed-json', requests: 1, pair: 'BRLBTC'}]);
  const options = {...recorded, faults};
  const answer = (path: string) => handleMbRequest(new URL(path, 'http://simulator'), options).body;
  t.throws(() => JSON.parse(answer(LEGACY_WINDOW)), {instanceOf: SyntaxError}, 'request 1 of BRLBTC is cut');
  t.notThrows(() => JSON.parse(answer(LEGACY_WINDOW)), 'request 2 is whole');
});

test('v4: unequal-columns sends one close fewer than timestamps; malformed-json a cut body', (t) => {
  const columns = JSON.parse(raw(V4_WINDOW, [{type: 'unequal-columns'}]).body) as Record<string, unknown[]>;
  t.is(columns.t!.length, 5);
  t.is(columns.c!.length, 4);
  t.is(columns.o!.length, 5);
  t.throws(() => JSON.parse(raw(V4_WINDOW, [{type: 'malformed-json'}]).body), {instanceOf: SyntaxError});
});

test('failing faults answer in place of candles on both APIs: status, content type, MB error JSON or an HTML page, Retry-After', (t) => {
  for (const path of [V4_WINDOW, LEGACY_WINDOW]) {
    t.like(raw(path, [{type: 'down'}]), {status: 503, headers: {'content-type': 'application/json'}});
    t.deepEqual(JSON.parse(raw(path, [{type: 'down'}]).body), {code: 'API|SERVICE|UNAVAILABLE', message: 'Service temporarily unavailable'});
    t.like(raw(path, [{type: 'fail-pair', pair: 'BRLBTC'}]), {status: 500});
    t.is(raw(path, [{type: 'fail-pair', pair: 'BRLETH'}]).status, 200, 'another pair is served');
    const blocked = raw(path, [{type: 'cloudflare'}]);
    t.like(blocked, {status: 403, headers: {'content-type': 'text/html; charset=UTF-8'}});
    t.regex(blocked.body, /^<!DOCTYPE html>.*Cloudflare/);
    t.like(raw(path, [{type: 'rate-limit', retryAfter: 7}]), {status: 429, headers: {'retry-after': '7'}});
    t.false('retry-after' in raw(path, [{type: 'rate-limit'}]).headers);
    t.like(raw(path, [{type: 'slow', delayMs: 1500}]), {status: 200, delayMs: 1500});
  }
});

test('a hole leaves those days out of both APIs, for that pair only', (t) => {
  const hole: Fault = {type: 'hole', pair: 'BRLBTC', from: day('2022-04-02'), to: day('2022-04-03')};
  t.deepEqual((JSON.parse(raw(V4_WINDOW, [hole]).body) as {t: number[]}).t, [day('2022-04-01'), day('2022-04-04'), day('2022-04-05')]);
  const legacy = JSON.parse(raw(LEGACY_WINDOW, [hole]).body) as {candles: Array<{timestamp: number}>};
  t.deepEqual(
    legacy.candles.map((c) => c.timestamp),
    [day('2022-04-01'), day('2022-04-04'), day('2022-04-05')],
  );
  const eth = JSON.parse(raw(V4_WINDOW.replace('BTC-BRL', 'ETH-BRL'), [hole]).body) as {t: number[]};
  t.is(eth.t.length, 5);
});
