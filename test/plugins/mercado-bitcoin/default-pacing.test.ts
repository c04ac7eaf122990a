import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {performance} from 'node:perf_hooks';
import test, {type ExecutionContext} from 'ava';
import {mercadoBitcoinConfigSchema} from '../../../plugins/mercado-bitcoin/config-schema.js';
import manifest from '../../../plugins/mercado-bitcoin/index.js';
import {handleMbRequest} from '../../../simulator/handle-mb-request.js';
import {recordedDataset} from '../../../simulator/recorded-dataset.js';
import type {CandleQuery, Source} from '../../../src/core/contracts/source.js';
import {PacedHttpClientFactory} from '../../../src/core/http/paced-http-client-factory.js';

const NOW = Date.parse('2022-04-27T22:02:04Z');
const dataset = recordedDataset();
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** The simulator on loopback, noting when each request arrives: pacing as the API host sees it. */
async function loopbackMb(t: ExecutionContext): Promise<{url: string; arrivals: number[]}> {
  const arrivals: number[] = [];
  const server = createServer((request, response) => {
    arrivals.push(performance.now());
    const answer = handleMbRequest(new URL(request.url ?? '/', 'http://127.0.0.1'), {dataset, now: () => NOW});
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals};
}

/** The source exactly as a config that sets nothing but the URL gets it: every other key at its default. */
function defaultSource(baseUrl: string, api: 'v4' | 'legacy', http: PacedHttpClientFactory): Source | Promise<Source> {
  return manifest.create({
    config: mercadoBitcoinConfigSchema.parse({api, baseUrl}),
    configPath: 'source',
    configDir: '/tmp',
    pairs: ['BRLBTC'],
    resolution: '1d',
    clock: {now: () => NOW},
    logger: {debug() {}, info() {}, warn() {}, error() {}},
    http,
  });
}

async function drain(source: Source, query: CandleQuery): Promise<number> {
  let candles = 0;
  for await (const page of source.candles(query)) candles += page.candles.length;
  return candles;
}

test('by default two requests to one API host arrive at least ~1 s apart, while another host is not held back', async (t) => {
  const v4 = await loopbackMb(t);
  const legacy = await loopbackMb(t);
  // One factory, as in a run: the pacer is shared, keyed by host (the two loopback ports are two hosts).
  const http = new PacedHttpClientFactory();
  // 512 days: two requests of at most 500 bars (the default chunk size).
  const long: CandleQuery = {pair: 'BRLBTC', resolution: '1d', from: day('2020-12-01'), to: day('2022-04-26')};
  const short: CandleQuery = {pair: 'BRLBTC', resolution: '1d', from: day('2022-04-01'), to: day('2022-04-10')};
  const v4Source = await defaultSource(`${v4.url}/api/v4`, 'v4', http);
  t.is(v4Source.plan(long).requests, 2);
  // Warm up fetch (undici loads lazily, ~30 ms): otherwise that start-up delays the first arrival only and
  // shortens the gap the server sees. Sent around the pacer, so it takes no slot; not counted.
  await (await fetch(`${v4.url}/warm-up`)).text();
  v4.arrivals.length = 0;
  const started = performance.now();
  const [longCandles, shortCandles] = await Promise.all([drain(v4Source, long), drain(await defaultSource(`${legacy.url}/v4`, 'legacy', http), short)]);
  t.is(longCandles, 512);
  t.is(shortCandles, 10);
  t.is(v4.arrivals.length, 2);
  t.is(legacy.arrivals.length, 1);
  const gap = v4.arrivals[1]! - v4.arrivals[0]!;
  t.log(`v4 requests ${gap.toFixed(1)} ms apart; legacy request after ${(legacy.arrivals[0]! - started).toFixed(1)} ms`);
  // The pacer releases them 1000 ms apart; the margin is loopback latency and ky's first-call work, which
  // delay the first arrival more than the second on a busy machine. A default of 0.5 s (or none) fails.
  t.true(gap >= 950, `the second request to one host came only ${gap.toFixed(1)} ms after the first`);
  t.true(legacy.arrivals[0]! - started < 500, "a request to a different host did not wait for the first host's slot");
});
