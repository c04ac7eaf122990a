import {performance} from 'node:perf_hooks';
import test, {type ExecutionContext} from 'ava';
import {http, HttpResponse} from 'msw';
import {setupServer} from 'msw/node';
import type {z} from 'zod';
import {mercadoBitcoinConfigSchema} from '../../../plugins/mercado-bitcoin/config-schema.js';
import manifest from '../../../plugins/mercado-bitcoin/index.js';
import {CandleFormatError} from '../../../plugins/mercado-bitcoin/parse-candles.js';
import {type Fault, FaultPlan} from '../../../simulator/fault-plan.js';
import {handleMbRequest} from '../../../simulator/handle-mb-request.js';
import {recordedDataset} from '../../../simulator/recorded-dataset.js';
import type {Candle} from '../../../src/core/contracts/candle.js';
import type {Logger} from '../../../src/core/contracts/logger.js';
import type {CandlePage, CandleQuery, Source} from '../../../src/core/contracts/source.js';
import {ConfigError} from '../../../src/core/errors/config-error.js';
import {SourceError} from '../../../src/core/errors/source-error.js';
import {PacedHttpClientFactory} from '../../../src/core/http/paced-http-client-factory.js';
import {MB_LEGACY_BASE, MB_V4_BASE, mbHandlers} from '../../helpers/mb-msw-handlers.js';
import {recordedDays} from '../../helpers/recorded-closes.js';

/** When the recordings were made: 2022-04-27 is the day still running, 2022-04-26 the last complete one. */
const NOW = Date.parse('2022-04-27T22:02:04Z');
const DAY = 86_400;
const APIS = ['v4', 'legacy'] as const;

const dataset = recordedDataset();
const simulatorOptions = {dataset, now: () => NOW};
const server = setupServer(...mbHandlers(simulatorOptions));

interface SeenRequest {
  readonly url: URL;
  /** performance.now() when the request reached the (fake) network. */
  readonly at: number;
}
let seen: SeenRequest[] = [];
server.events.on('request:start', ({request}) => {
  seen.push({url: new URL(request.url), at: performance.now()});
});

test.before(() => server.listen({onUnhandledFrame: 'error'}));
test.beforeEach(() => {
  seen = [];
});
test.afterEach.always(() => server.resetHandlers());
test.after.always(() => server.close());

const silentLogger: Logger = {debug() {}, info() {}, warn() {}, error() {}};

type ConfigInput = Exclude<z.input<typeof mercadoBitcoinConfigSchema>, undefined>;

/** Fast defaults for tests: no pacing, short retry delays. */
function configFor(overrides: ConfigInput = {}) {
  return mercadoBitcoinConfigSchema.parse({
    ...overrides,
    minIntervalMs: overrides.minIntervalMs ?? 0,
    retry: {baseDelayMs: 10, maxDelayMs: 200, ...overrides.retry},
  });
}

async function createSource(overrides: ConfigInput = {}, options: {pairs?: string[]; http?: PacedHttpClientFactory} = {}): Promise<Source> {
  return manifest.create({
    config: configFor(overrides),
    configPath: 'source',
    configDir: '/tmp',
    pairs: options.pairs ?? ['BRLBTC', 'BRLETH'],
    resolution: '1d',
    clock: {now: () => NOW},
    logger: silentLogger,
    http: options.http ?? new PacedHttpClientFactory(),
  });
}

/** Unix seconds of 00:00 UTC of a `YYYY-MM-DD` day. */
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

function query(pair: string, from: string, to: string): CandleQuery {
  return {pair, resolution: '1d', from: day(from), to: day(to)};
}

async function collect(source: Source, q: CandleQuery): Promise<{pages: CandlePage[]; candles: Candle[]}> {
  const pages: CandlePage[] = [];
  for await (const page of source.candles(q)) pages.push(page);
  return {pages, candles: pages.flatMap((p) => p.candles)};
}

/** The complete recorded days of `[from, to]`, from the fixture itself. */
function fixtureDays(pair: 'BRLBTC' | 'BRLETH', q: CandleQuery) {
  return recordedDays(pair).filter((d) => d.timestamp >= q.from && d.timestamp <= q.to);
}

/** Milliseconds between consecutive requests, as msw saw them start. */
const gaps = () => differences(seen.map((r) => r.at));
const differences = (times: readonly number[]) => times.slice(1).map((at, i) => at - times[i]!);

/**
 * performance.now() of every fetch() call the HTTP client makes, i.e. the moment the pacer releases a request.
 * Pacing is measured here rather than at msw's request:start, which adds a variable latency of its own.
 */
function spyOnFetch(t: ExecutionContext): number[] {
  const times: number[] = [];
  const mswFetch = globalThis.fetch;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    times.push(performance.now());
    return mswFetch(...args);
  };
  t.teardown(() => {
    globalThis.fetch = mswFetch;
  });
  return times;
}

/** Candle URLs of both hosts, for handlers that replace the simulator's answer. */
const V4_CANDLES = `${MB_V4_BASE}/candles`;
const LEGACY_CANDLES = `${MB_LEGACY_BASE}/:pair/candle`;

/**
 * Answers with the simulator under these faults, as `mms simulate --fault` does: the unit tests and the
 * end-to-end fault matrix then exercise the very same responses.
 */
function withFaults(...faults: Fault[]) {
  server.use(...mbHandlers({...simulatorOptions, faults: new FaultPlan(faults)}));
}

for (const pair of ['BRLBTC', 'BRLETH'] as const) {
  test.serial(`v4 and legacy APIs yield the same ${pair} candles for the same window, with the recorded closes`, async (t) => {
    const q = query(pair, '2020-01-01', '2020-11-28');
    const expected = fixtureDays(pair, q);
    t.is(expected.length, (q.to - q.from) / DAY + 1);

    const v4 = await collect(await createSource({api: 'v4'}), q);
    const legacy = await collect(await createSource({api: 'legacy'}), q);

    t.deepEqual(
      v4.candles.map((c) => c.timestamp),
      expected.map((d) => d.timestamp),
    );
    t.deepEqual(
      v4.candles.map((c) => c.close),
      expected.map((d) => Number(d.close)),
    );
    t.deepEqual(legacy.candles, v4.candles);

    t.is(seen.length, 2);
    const [v4Request, legacyRequest] = seen.map((r) => r.url);
    t.is(`${v4Request!.origin}${v4Request!.pathname}`, V4_CANDLES);
    t.deepEqual(Object.fromEntries(v4Request!.searchParams), {symbol: `${pair.slice(3)}-BRL`, resolution: '1d', from: String(q.from), to: String(q.to)});
    t.is(`${legacyRequest!.origin}${legacyRequest!.pathname}`, `${MB_LEGACY_BASE}/${pair}/candle`);
    t.deepEqual(Object.fromEntries(legacyRequest!.searchParams), {from: String(q.from), to: String(q.to), precision: '1d'});
  });
}

for (const api of APIS) {
  for (const [chunkSize, requests] of [
    [500, 2],
    [100, 6],
  ] as const) {
    test.serial(
      `${api}: 564 daily bars with chunkSize ${chunkSize} take exactly ${requests} requests, as plan() predicts, and cover the window without gaps or overlaps`,
      async (t) => {
        const to = day('2022-04-26');
        const q: CandleQuery = {pair: 'BRLBTC', resolution: '1d', from: to - 563 * DAY, to};
        const expected = fixtureDays('BRLBTC', q);
        t.is(expected.length, 564);
        const source = await createSource({api, chunkSize});

        t.is(source.plan(q).requests, requests);
        const {pages, candles} = await collect(source, q);

        t.is(seen.length, requests);
        t.is(pages.length, requests);
        t.deepEqual(
          pages.map((p) => p.requests),
          Array.from({length: requests}, () => 1),
        );
        t.deepEqual(
          candles.map((c) => c.timestamp),
          expected.map((d) => d.timestamp),
        );
        const ranges = seen.map((r) => ({from: Number(r.url.searchParams.get('from')), to: Number(r.url.searchParams.get('to'))}));
        t.is(ranges[0]!.from, q.from);
        t.is(ranges.at(-1)!.to, q.to);
        ranges.forEach((range, i) => {
          t.true((range.to - range.from) / DAY + 1 <= chunkSize, `request ${i} asks for more than ${chunkSize} bars`);
          if (i > 0) t.is(range.from, ranges[i - 1]!.to + DAY, `request ${i} does not start right after request ${i - 1}`);
        });
      },
    );
  }
}

test.serial('with minIntervalMs 600, three requests start at least ~600 ms apart, the first one without waiting', async (t) => {
  const fetches = spyOnFetch(t);
  const source = await createSource({chunkSize: 10, minIntervalMs: 600});
  const q = query('BRLBTC', '2022-03-01', '2022-03-30');
  t.is(source.plan(q).requests, 3);
  const started = performance.now();
  const {candles} = await collect(source, q);
  t.is(candles.length, 30);
  t.is(seen.length, 3);
  t.is(fetches.length, 3);
  t.true(fetches[0]! - started < 500, `the first request waited ${(fetches[0]! - started).toFixed(1)} ms`);
  t.log(
    `gaps (ms): ${differences(fetches)
      .map((g) => g.toFixed(1))
      .join(', ')}`,
  );
  for (const gap of differences(fetches)) t.true(gap >= 590, `requests only ${gap.toFixed(1)} ms apart`);
});

test.serial('pacing also spaces a retry: a 503 retried after a 10 ms backoff still waits for minIntervalMs', async (t) => {
  withFaults({type: 'down', requests: 1});
  const fetches = spyOnFetch(t);
  const source = await createSource({minIntervalMs: 300, retry: {baseDelayMs: 10}});
  const {candles} = await collect(source, query('BRLBTC', '2022-04-01', '2022-04-10'));
  t.is(candles.length, 10);
  t.is(seen.length, 2);
  const [gap] = differences(fetches);
  t.true(gap! >= 290, `retry sent ${gap!.toFixed(1)} ms after the failed attempt`);
});

test.serial('sources made by one factory share the pacing of a host, even when they fetch at the same time', async (t) => {
  const fetches = spyOnFetch(t);
  const factory = new PacedHttpClientFactory();
  const btc = await createSource({minIntervalMs: 200}, {http: factory});
  const eth = await createSource({minIntervalMs: 200}, {http: factory});
  const [a, b] = await Promise.all([collect(btc, query('BRLBTC', '2022-04-01', '2022-04-10')), collect(eth, query('BRLETH', '2022-04-01', '2022-04-10'))]);
  t.is(a.candles.length, 10);
  t.is(b.candles.length, 10);
  t.is(seen.length, 2);
  const [gap] = differences(fetches);
  t.true(gap! >= 190, `requests only ${gap!.toFixed(1)} ms apart`);
});

test.serial('a 503 twice then a success is retried: 3 requests, and the candles arrive', async (t) => {
  withFaults({type: 'down', requests: 2});
  const q = query('BRLETH', '2021-06-01', '2021-06-30');
  const {pages, candles} = await collect(await createSource({retry: {limit: 4}}), q);
  t.is(seen.length, 3);
  t.is(pages.length, 1);
  t.is(pages[0]!.requests, 3);
  t.deepEqual(
    candles.map((c) => c.close),
    fixtureDays('BRLETH', q).map((d) => Number(d.close)),
  );
});

test.serial('a 429 with Retry-After: 1 is retried only after about a second, not after the short backoff', async (t) => {
  withFaults({type: 'rate-limit', requests: 1, retryAfter: 1});
  const q = query('BRLBTC', '2022-04-01', '2022-04-26');
  const {candles} = await collect(await createSource({retry: {baseDelayMs: 10, maxDelayMs: 5000}}), q);
  t.is(seen.length, 2);
  t.true(gaps()[0]! >= 990, `retried after ${gaps()[0]!.toFixed(1)} ms`);
  t.true(gaps()[0]! < 2000, `retried after ${gaps()[0]!.toFixed(1)} ms`);
  t.deepEqual(
    candles.map((c) => c.timestamp),
    fixtureDays('BRLBTC', q).map((d) => d.timestamp),
  );
});

test.serial('a 429 without Retry-After is retried with exponential backoff from baseDelayMs, capped at maxDelayMs', async (t) => {
  // ky's full jitter waits Math.random() × the computed delay; pin the random factor near 1 so the backoff is observable.
  const random = Math.random;
  Math.random = () => 0.999;
  t.teardown(() => {
    Math.random = random;
  });
  withFaults({type: 'rate-limit', requests: 3});
  const baseDelayMs = 100;
  const maxDelayMs = 300;
  const q = query('BRLBTC', '2022-04-20', '2022-04-26');
  const {candles} = await collect(await createSource({retry: {limit: 4, baseDelayMs, maxDelayMs}}), q);
  Math.random = random;
  t.is(seen.length, 4);
  t.is(candles.length, 7);
  const expected = [1, 2, 4].map((factor) => Math.min(maxDelayMs, baseDelayMs * factor * 0.999));
  gaps().forEach((gap, i) => {
    t.true(gap >= expected[i]! - 2 && gap < expected[i]! + 150, `retry ${i + 1} after ${gap.toFixed(1)} ms, expected about ${expected[i]} ms`);
  });
});

test.serial('v4: an invalid symbol fails as permanent after exactly 1 request, naming the pair, the window and SYMBOL_IS_INVALID', async (t) => {
  const q = query('BRLXYZ', '2022-01-01', '2022-01-31');
  t.false(dataset.hasPair('BRLXYZ'));
  const source = await createSource({retry: {limit: 4}}, {pairs: ['BRLXYZ']});
  const error = await t.throwsAsync<SourceError>(collect(source, q), {instanceOf: SourceError});
  t.is(error.kind, 'permanent');
  t.is(error.status, 400);
  t.is(error.pair, 'BRLXYZ');
  t.is(error.from, q.from);
  t.is(error.to, q.to);
  t.is(seen.length, 1);
  t.true(error.message.includes('BRLXYZ'), error.message);
  t.true(error.message.includes(`${isoDay(q.from)}..${isoDay(q.to)}`), error.message);
  t.regex(error.message, /SYMBOL_IS_INVALID/);
});

test.serial('legacy: an unknown pair (404) fails as permanent after exactly 1 request, naming the pair', async (t) => {
  const q = query('BRLXYZ', '2022-01-01', '2022-01-31');
  const source = await createSource({api: 'legacy', retry: {limit: 4}}, {pairs: ['BRLXYZ']});
  const error = await t.throwsAsync<SourceError>(collect(source, q), {instanceOf: SourceError});
  t.is(error.kind, 'permanent');
  t.is(error.status, 404);
  t.is(seen.length, 1);
  t.true(error.message.startsWith(`BRLXYZ ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
  t.regex(error.message, /404 Pair BRLXYZ not found/, "the legacy body's status_message is kept");
});

for (const api of APIS) {
  test.serial(`${api}: a Cloudflare-style HTML 403 fails as blocked after exactly 1 request`, async (t) => {
    withFaults({type: 'cloudflare'});
    const q = query('BRLBTC', '2022-04-01', '2022-04-26');
    const error = await t.throwsAsync<SourceError>(collect(await createSource({api, retry: {limit: 4}}), q), {instanceOf: SourceError});
    t.is(error.kind, 'blocked');
    t.is(error.status, 403);
    t.is(seen.length, 1);
    t.true(error.message.startsWith(`BRLBTC ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
    t.regex(error.message, /HTML/);
  });
}

test.serial('a Cloudflare 403 for one pair only blocks that pair; the other is served', async (t) => {
  withFaults({type: 'cloudflare', pair: 'BRLETH'});
  const source = await createSource({retry: {limit: 4}});
  const btc = await collect(source, query('BRLBTC', '2022-04-01', '2022-04-26'));
  t.is(btc.candles.length, 26);
  const error = await t.throwsAsync<SourceError>(collect(source, query('BRLETH', '2022-04-01', '2022-04-26')), {instanceOf: SourceError});
  t.is(error.kind, 'blocked');
  t.is(error.pair, 'BRLETH');
  t.is(seen.length, 2, 'one request each: a block is not retried');
});

for (const api of APIS) {
  test.serial(`${api}: a body cut in the middle of the JSON fails as invalid-response after 1 request, naming the pair and the window`, async (t) => {
    withFaults({type: 'malformed-json'});
    const q = query('BRLETH', '2022-04-01', '2022-04-26');
    const error = await t.throwsAsync<SourceError>(collect(await createSource({api, retry: {limit: 4}}), q), {instanceOf: SourceError});
    t.is(error.kind, 'invalid-response');
    t.is(seen.length, 1);
    t.true(error.message.startsWith(`BRLETH ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
    t.regex(error.message, /the body is not valid JSON/);
  });
}

test.serial('v4: column arrays of unequal length fail as invalid-response, saying which lengths differ', async (t) => {
  withFaults({type: 'unequal-columns'});
  const q = query('BRLBTC', '2022-04-01', '2022-04-26');
  const error = await t.throwsAsync<SourceError>(collect(await createSource({retry: {limit: 4}}), q), {instanceOf: SourceError});
  t.is(error.kind, 'invalid-response');
  t.is(seen.length, 1);
  t.regex(error.message, /column arrays have unequal lengths \(t: 26, c: 25\)/);
  t.true(error.cause instanceof CandleFormatError);
});

test.serial('legacy: a bar with its close missing (the legacy form of unequal columns) fails as invalid-response, never a stored number', async (t) => {
  withFaults({type: 'unequal-columns'});
  const q = query('BRLBTC', '2022-04-01', '2022-04-26');
  const error = await t.throwsAsync<SourceError>(collect(await createSource({api: 'legacy', retry: {limit: 4}}), q), {instanceOf: SourceError});
  t.is(error.kind, 'invalid-response');
  t.is(seen.length, 1);
  t.true(error.message.startsWith(`BRLBTC ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
  t.true(error.cause instanceof CandleFormatError);
});

test.serial('a 500 on every attempt fails as transient after retry.limit + 1 requests', async (t) => {
  withFaults({type: 'fail-pair', pair: 'BRLBTC'});
  const limit = 2;
  const error = await t.throwsAsync<SourceError>(collect(await createSource({retry: {limit}}), query('BRLBTC', '2022-04-01', '2022-04-26')), {
    instanceOf: SourceError,
  });
  t.is(error.kind, 'transient');
  t.is(error.status, 500);
  t.is(seen.length, limit + 1);
  t.true(error.message.includes(`after ${limit + 1} attempt(s)`), error.message);
  t.regex(error.message, /PUBLIC_DATA\|LIST_CANDLES\|INTERNAL_ERROR: Internal error listing candles of BRLBTC/, "MB's error JSON is kept in the message");
});

test.serial('a response slower than timeoutMs fails as transient, each attempt timed out', async (t) => {
  withFaults({type: 'slow', delayMs: 3000});
  const timeoutMs = 100;
  const limit = 1;
  const started = performance.now();
  const error = await t.throwsAsync<SourceError>(collect(await createSource({timeoutMs, retry: {limit}}), query('BRLBTC', '2022-04-01', '2022-04-26')), {
    instanceOf: SourceError,
  });
  const elapsed = performance.now() - started;
  t.is(error.kind, 'transient');
  t.is(error.status, undefined);
  t.is(seen.length, limit + 1);
  t.true(error.message.includes(`no response within ${timeoutMs} ms`), error.message);
  t.true(elapsed < 2000, `gave up after ${elapsed.toFixed(0)} ms, not after ~${(limit + 1) * timeoutMs} ms`);
});

for (const {name, faults, timeoutMs, attempts} of [
  {name: 'a 503 on every attempt', faults: [{type: 'down'}], attempts: 3},
  {name: 'a timeout on every attempt', faults: [{type: 'slow', delayMs: 3000}], timeoutMs: 100, attempts: 3},
  {name: 'an invalid answer', faults: [{type: 'malformed-json'}], attempts: 1},
  {name: 'a 503, then an invalid answer', faults: [{type: 'down', requests: 1}, {type: 'malformed-json'}], attempts: 2},
  {name: 'a Cloudflare block', faults: [{type: 'cloudflare'}], attempts: 1},
] satisfies Array<{name: string; faults: Fault[]; timeoutMs?: number; attempts: number}>) {
  test.serial(`a failed window's SourceError counts in requests every attempt sent for it (${name}: ${attempts})`, async (t) => {
    // The window's second chunk fails: the first one's request was reported with its page, not again.
    const source = await createSource({chunkSize: 10, ...(timeoutMs ? {timeoutMs} : {}), retry: {limit: 2}});
    const pages: CandlePage[] = [];
    const error = await t.throwsAsync<SourceError>(
      (async () => {
        for await (const page of source.candles(query('BRLBTC', '2022-04-01', '2022-04-20'))) {
          pages.push(page);
          if (pages.length === 1) withFaults(...faults);
        }
      })(),
      {instanceOf: SourceError},
    );
    t.deepEqual(
      pages.map((p) => p.requests),
      [1],
    );
    t.is(error.requests, attempts);
    t.is(seen.length, 1 + attempts);
  });
}

test.serial('v4: a 200 body missing a column fails as invalid-response after 1 request, naming the pair, the window and the problem', async (t) => {
  server.use(http.get(V4_CANDLES, () => HttpResponse.json({t: [day('2022-04-01')], o: ['1'], h: ['1'], l: ['1'], c: ['1']})));
  const q = query('BRLBTC', '2022-04-01', '2022-04-26');
  const error = await t.throwsAsync<SourceError>(collect(await createSource({retry: {limit: 4}}), q), {instanceOf: SourceError});
  t.is(error.kind, 'invalid-response');
  t.is(seen.length, 1);
  t.true(error.message.startsWith(`BRLBTC ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
  t.regex(error.message, /"v" must be an array/);
  t.true(error.cause instanceof CandleFormatError);
});

test.serial('legacy: a 200 body with a status_code other than 100 fails as invalid-response naming the pair and the window', async (t) => {
  server.use(http.get(LEGACY_CANDLES, () => HttpResponse.json({status_code: 429, status_message: 'Too many requests', candles: []})));
  const q = query('BRLETH', '2021-01-01', '2021-01-31');
  const error = await t.throwsAsync<SourceError>(collect(await createSource({api: 'legacy'}), q), {instanceOf: SourceError});
  t.is(error.kind, 'invalid-response');
  t.is(seen.length, 1);
  t.true(error.message.startsWith(`BRLETH ${isoDay(q.from)}..${isoDay(q.to)}: `), error.message);
  t.regex(error.message, /status_code 429 \(Too many requests\)/);
});

test.serial('an HTML 503 page (the origin down behind Cloudflare) is retried, then fails as transient, not blocked', async (t) => {
  server.use(
    http.get(
      V4_CANDLES,
      () => new HttpResponse('<html><body>Error 503: origin unreachable</body></html>', {status: 503, headers: {'content-type': 'text/html'}}),
    ),
  );
  const source = await createSource({retry: {limit: 1, baseDelayMs: 10}});
  const error = await t.throwsAsync<SourceError>(collect(source, query('BRLBTC', '2022-04-01', '2022-04-26')), {instanceOf: SourceError});
  t.is(error.kind, 'transient');
  t.is(error.status, 503);
  t.is(seen.length, 2);
});

test.serial('a 200 HTML page (a Cloudflare challenge) fails as blocked, saying the body is an HTML page', async (t) => {
  server.use(http.get(V4_CANDLES, () => new HttpResponse('<html><body>Just a moment...</body></html>', {headers: {'content-type': 'text/html'}})));
  const error = await t.throwsAsync<SourceError>(collect(await createSource(), query('BRLBTC', '2022-04-01', '2022-04-26')), {instanceOf: SourceError});
  t.is(error.kind, 'blocked');
  t.regex(error.message, /HTML page/);
});

for (const api of APIS) {
  test.serial(`${api}: the running bucket (2022-04-27) is never yielded, even when the window covers it`, async (t) => {
    const q = query('BRLBTC', '2022-04-20', '2022-04-30');
    const {candles} = await collect(await createSource({api}), q);
    t.is(seen.length, 1);
    // The (simulated) API did send the running day for this very request...
    const served = JSON.parse(handleMbRequest(seen[0]!.url, simulatorOptions).body) as {t?: number[]; candles?: Candle[]};
    const servedTimestamps = served.t ?? served.candles!.map((c) => c.timestamp);
    t.true(servedTimestamps.includes(day('2022-04-27')));
    // ...and the source dropped it: it stops at the last complete day.
    t.deepEqual(
      candles.map((c) => c.timestamp),
      fixtureDays('BRLBTC', q).map((d) => d.timestamp),
    );
    t.is(candles.at(-1)!.timestamp, day('2022-04-26'));
    t.true(candles.every((c) => c.timestamp + DAY <= NOW / 1000));
  });
}

test.serial('a pair not of the form BRL + asset makes create() throw a ConfigError naming pairs[i]', async (t) => {
  for (const [pairs, index, bad] of [
    [['BRLBTC', 'BTCUSD'], 1, 'BTCUSD'],
    [['brlbtc'], 0, 'brlbtc'],
    [['BRLETH', 'BRLBTC', 'BRL'], 2, 'BRL'],
  ] as const) {
    const error = await t.throwsAsync<ConfigError>(async () => createSource({}, {pairs: [...pairs]}), {instanceOf: ConfigError});
    t.true(error.message.startsWith(`pairs[${index}]: `), error.message);
    t.true(error.message.includes(`"${bad}"`), error.message);
  }
  t.is(seen.length, 0);
});

test.serial('aborting query.signal while a request waits for its pacing slot stops the source at once', async (t) => {
  // The wait for a pacing slot must listen to the request's signal, or an interrupted run hangs until the slot.
  const controller = new AbortController();
  const source = await createSource({chunkSize: 5, minIntervalMs: 3000});
  const q: CandleQuery = {...query('BRLBTC', '2022-04-01', '2022-04-10'), signal: controller.signal};
  let abortedAt = 0;
  const error = await t.throwsAsync<SourceError>(
    (async () => {
      for await (const page of source.candles(q)) {
        t.is(page.candles.length, 5);
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, 50);
      }
    })(),
    {instanceOf: SourceError},
  );
  const settledAfter = performance.now() - abortedAt;
  t.is(error.kind, 'transient');
  t.is(seen.length, 1);
  t.true(settledAfter < 1500, `the source stopped ${settledAfter.toFixed(0)} ms after the abort`);
});

test.serial('with minIntervalMs longer than timeoutMs, a paced request is not timed out while it waits for its slot', async (t) => {
  // The wait for a slot happens before ky starts the attempt's timeout: otherwise the second chunk would time out
  // (and every retry with it, each reserving a later slot) before it is ever sent, although the API answers at once.
  const source = await createSource({chunkSize: 5, minIntervalMs: 600, timeoutMs: 300, retry: {limit: 1}});
  const q = query('BRLBTC', '2022-04-01', '2022-04-10');
  const {candles} = await collect(source, q);
  t.deepEqual(
    candles.map((c) => c.timestamp),
    fixtureDays('BRLBTC', q).map((d) => d.timestamp),
  );
  t.is(seen.length, 2);
});
