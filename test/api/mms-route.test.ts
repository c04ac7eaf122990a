import {Agent, request as httpRequest} from 'node:http';
import test from 'ava';
import {loggedApi, NOW, recordedRecords, seededApi} from '../helpers/seeded-api.js';
import {DAY, day} from '../helpers/utc-day.js';

const today = Math.floor(NOW / 1000 / DAY) * DAY;
const yesterday = today - DAY;
type Point = {timestamp: number; mms: number};

function expected(pair: string, field: string, from: number, to: number): Point[] {
  return recordedRecords()
    .filter((r) => r.pair === pair && r.timestamp >= from && r.timestamp <= to && typeof r[field] === 'number')
    .map((r) => ({timestamp: r.timestamp, mms: r[field] as number}));
}

test('GET /:pair/mms answers the stored averages of that window, ascending, timestamps in seconds, up to yesterday by default', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-03-01');
  const {status, body, headers} = await api.get(`/BRLBTC/mms?from=${from}&range=20`);
  t.is(status, 200);
  t.regex(headers.get('content-type') ?? '', /application\/json/);
  const points = body as Point[];
  t.deepEqual(points, expected('BRLBTC', 'mms_20', from, yesterday));
  t.is(points.at(-1)!.timestamp, yesterday, 'to defaults to the previous day');
  t.is(points[0]!.timestamp, from);
  t.true(points.every((p, i) => p.timestamp < 1e11 && (i === 0 || p.timestamp > points[i - 1]!.timestamp)));
  t.deepEqual(points[0], {timestamp: from, mms: expected('BRLBTC', 'mms_20', from, from)[0]!.mms});
});

test('bounds are inclusive, and a `to` inside a day includes that day', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-04-01');
  const to = day('2022-04-05');
  const exact = (await api.get(`/BRLETH/mms?from=${from}&to=${to}&range=50`)).body as Point[];
  t.deepEqual(
    exact.map((p) => p.timestamp),
    [0, 1, 2, 3, 4].map((i) => from + i * DAY),
  );
  const inside = (await api.get(`/BRLETH/mms?from=${from}&to=${to + 3600}&range=50`)).body as Point[];
  t.deepEqual(inside, exact);
  const oneDay = (await api.get(`/BRLETH/mms?from=${to}&to=${to}&range=200`)).body as Point[];
  t.deepEqual(oneDay, expected('BRLETH', 'mms_200', to, to));
});

test('from may be exactly 365 days before today (00:00 UTC), not one second earlier', async (t) => {
  const api = await seededApi(t);
  const oldest = today - 365 * DAY;
  t.is((await api.get(`/BRLBTC/mms?from=${oldest}&range=200`)).status, 200);
  const early = await api.get(`/BRLBTC/mms?from=${oldest - 1}&range=200`);
  t.is(early.status, 400);
  t.like(early.body, {error: 'from_too_old'});
  t.regex((early.body as {message: string}).message, new RegExp(`the oldest accepted is ${oldest} \\(2021-04-27\\)`));
});

test('days without a value for the window are left out, never answered as 0', async (t) => {
  const records = recordedRecords().map((r) => (r.pair === 'BRLBTC' && r.timestamp === day('2022-04-10') ? {...r, mms_200: null} : r));
  const api = await seededApi(t, {records});
  const from = day('2022-04-08');
  const to = day('2022-04-12');
  const long = (await api.get(`/BRLBTC/mms?from=${from}&to=${to}&range=200`)).body as Point[];
  t.deepEqual(
    long.map((p) => p.timestamp),
    [from, from + DAY, from + 3 * DAY, from + 4 * DAY],
  );
  t.false(long.some((p) => p.mms === 0));
  t.is(((await api.get(`/BRLBTC/mms?from=${from}&to=${to}&range=20`)).body as Point[]).length, 5);
});

test('an empty result is 200 []', async (t) => {
  const api = await seededApi(t, {records: recordedRecords().filter((r) => r.pair === 'BRLBTC')});
  const response = await api.get(`/BRLETH/mms?from=${day('2022-04-01')}&range=20`);
  t.is(response.status, 200);
  t.deepEqual(response.body, []);
});

test('every client mistake is a 400 with {error, message} naming what to fix', async (t) => {
  const api = await seededApi(t);
  const from = day('2022-04-01');
  const cases: Array<[string, string, RegExp]> = [
    [`/BRLXRP/mms?from=${from}&range=20`, 'unknown_pair', /pair must be one of BRLBTC, BRLETH/],
    [`/brlbtc/mms?from=${from}&range=20`, 'unknown_pair', /BRLBTC, BRLETH/],
    [`/BRLBTC/mms?range=20`, 'invalid_from', /from is required/],
    [`/BRLBTC/mms?from=abc&range=20`, 'invalid_from', /from must be an integer \(Unix seconds\)/],
    [`/BRLBTC/mms?from=${from}.5&range=20`, 'invalid_from', /integer/],
    [`/BRLBTC/mms?from=${from}&to=tomorrow&range=20`, 'invalid_to', /to must be an integer/],
    [`/BRLBTC/mms?from=${from}`, 'invalid_range', /range is required/],
    [`/BRLBTC/mms?from=${from}&range=21`, 'invalid_range', /range must be one of 20, 50, 200/],
    [`/BRLBTC/mms?from=${from}&range=twenty`, 'invalid_range', /range must be an integer \(days\)/],
    [`/BRLBTC/mms?from=${from}&to=${from - DAY}&range=20`, 'from_after_to', /is after to/],
    [`/BRLBTC/mms?from=${today + DAY}&range=20`, 'from_after_to', /which defaults to yesterday/],
    [`/BRLBTC/mms?from=${from}&range=20&pair=BRLETH`, 'unknown_parameter', /pair is not a parameter of this route/],
    [
      `/BRLBTC/mms?from=${from}&range=20&=x`,
      'unknown_parameter',
      /^an empty key \("=" with nothing before it\) is not a parameter of this route \(known: from, to, range\)$/,
    ],
    [`/BRLBTC/mms?from=${from}&from=${from}&range=20`, 'invalid_from', /from is given 2 times; give it once/],
    [`/BRLBTC/mms?from=${from * 1000}&range=20`, 'invalid_from', /from must be Unix seconds \(at most 100000000000; milliseconds\?\)/],
    [`/BRLBTC/mms?from=${from}&to=Infinity&range=20`, 'invalid_to', /to must be/],
    [`/BRLBTC/mms?from=${from}&to=1e400&range=20`, 'invalid_to', /to must be/],
    [`/BRLBTC/mms?from=-5&range=20`, 'invalid_from', /not negative/],
    ['/BRLBTC/mms?from=1&range=20', 'from_too_old', /more than 365 days before today/],
  ];
  for (const [path, error, message] of cases) {
    const response = await api.get(path);
    t.is(response.status, 400, path);
    t.is((response.body as {error: string}).error, error, path);
    t.regex((response.body as {message: string}).message, message, path);
  }
});

test('unknown routes are 404 and malformed URLs 400, both in the same JSON shape; the request id is echoed', async (t) => {
  const api = await seededApi(t);
  const slash = await api.get(`/BRLBTC/mms/?from=${day('2022-04-25')}&range=20`);
  t.is(slash.status, 200, 'a trailing slash names the same resource');
  t.is((slash.body as unknown[]).length, 2);
  const missing = await api.get('/BRLBTC/average?from=1');
  t.is(missing.status, 404);
  t.like(missing.body, {error: 'not_found'});
  const malformed = await api.get('/BRLBTC%E0%A4%A/mms');
  t.is(malformed.status, 400);
  t.like(malformed.body, {error: 'bad_request'});
  const response = await fetch(`${api.url}/health`, {headers: {'x-request-id': 'trace-123'}});
  t.is(response.headers.get('x-request-id'), 'trace-123');
});

/** One request on `agent`'s connection: status, the raw header lines in order, and the body's bytes. */
async function exchange(agent: Agent, url: string, method = 'GET') {
  return new Promise<{status: number; headers: string[]; body: Buffer}>((resolve, reject) => {
    httpRequest(url, {agent, method}, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({status: response.statusCode!, headers: response.rawHeaders, body: Buffer.concat(chunks)}));
    })
      .on('error', reject)
      .end();
  });
}

test('a repeated request is answered from the bytes kept for its slice: the same status, headers in the same order and bytes, its own request id and log line', async (t) => {
  const api = await loggedApi(t);
  const agent = new Agent({keepAlive: true, maxSockets: 1});
  t.teardown(() => agent.destroy());
  const url = `${api.url}/BRLBTC/mms?from=${day('2022-03-01')}&range=50`;
  const first = await exchange(agent, url);
  const second = await exchange(agent, url);
  const head = await exchange(agent, url, 'HEAD');
  // The request id and the date are each answer's own; everything else must be byte for byte the same.
  const normalized = (headers: string[]) => headers.map((value, i) => (headers[i - 1] === 'x-request-id' || headers[i - 1] === 'Date' ? '*' : value));
  t.is(first.status, 200);
  t.deepEqual(JSON.parse(first.body.toString()), expected('BRLBTC', 'mms_50', day('2022-03-01'), yesterday));
  t.deepEqual([second.status, normalized(second.headers), second.body], [first.status, normalized(first.headers), first.body]);
  t.deepEqual([head.status, normalized(head.headers), head.body.length], [200, normalized(first.headers), 0]);
  t.true(first.headers.includes('x-content-type-options') && first.headers.includes('content-length'));
  const ids = [first, second, head].map((answer) => answer.headers[answer.headers.indexOf('x-request-id') + 1]);
  t.is(new Set(ids).size, 3);

  const lines = await api.lines();
  t.deepEqual(
    lines.map((line) => [line.reqId, line.method, line.status]),
    [
      [ids[0], 'GET', 200],
      [ids[1], 'GET', 200],
      [ids[2], 'HEAD', 200],
    ],
  );
  // The first answer was computed (validation, the slice, JSON of 300 points): it takes measurable time.
  t.true(lines[0]!.ms > 0, `the first request's ms is ${lines[0]!.ms}`);
});

test('a repeated request follows the store after a reload, and the day after a change of day (its default `to`)', async (t) => {
  let now = NOW;
  const records = recordedRecords().filter((r) => r.timestamp < today - DAY);
  const api = await seededApi(t, {records, now: () => now});
  const path = `/BRLETH/mms?from=${day('2022-04-20')}&range=20`;
  const before = (await api.get(path)).body as Point[];
  t.is(before.at(-1)!.timestamp, yesterday - DAY);
  t.deepEqual((await api.get(path)).body, before);

  // Yesterday's record arrives: the next reload serves it to the same URL.
  await api.sink.upsert(recordedRecords().filter((r) => r.timestamp === yesterday));
  await api.cache.refresh();
  t.deepEqual((await api.get(path)).body, expected('BRLETH', 'mms_20', day('2022-04-20'), yesterday));

  // A day later, `to` (yesterday by default) moves on: today's record, stored but not yet served, is now included.
  const recordedYesterday = recordedRecords().find((r) => r.pair === 'BRLETH' && r.timestamp === yesterday)!;
  await api.sink.upsert([{...recordedYesterday, timestamp: today, mms_20: 12_345.678}]);
  await api.cache.refresh();
  t.deepEqual((await api.get(path)).body, expected('BRLETH', 'mms_20', day('2022-04-20'), yesterday), 'today is not served before it is over');
  now += DAY * 1000;
  t.deepEqual((await api.get(path)).body, [...expected('BRLETH', 'mms_20', day('2022-04-20'), yesterday), {timestamp: today, mms: 12_345.678}]);
});
