// `mms serve` on big SQLite stores: 100 pairs × 2 years of daily records, and one pair × a year of 1-minute
// bars. For each, the real `mms serve` process: its startup time (spawn to listening, the first load
// included), its peak RSS over the whole run, and req/s and p99 under autocannon (10 connections) — for the
// daily store, requests spread over every pair (the last year of mms_20); for the minute store, one day of
// minute bars at a time, spread over the year. Targets: peak RSS < 256 MB, p99 < 10 ms.
//
//   npm run bench:serve-scale
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import autocannon from 'autocannon';
import {SqliteSink} from '../plugins/sqlite/sqlite-sink.js';
import {computeSmas} from '../plugins/sma/compute-sma.js';
import type {MmsRecord} from '../src/core/contracts/record.js';
import type {Resolution} from '../src/core/contracts/resolution.js';

const DAY = 86_400;
const MINUTE = 60;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const LIMIT_MB = 256;
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const reportRss = fileURLToPath(new URL('./report-peak-rss.js', import.meta.url));
const END = Date.parse('2024-01-01T00:00:00Z') / 1000;
const NOW = new Date((END + 12 * 3600) * 1000).toISOString();

interface Scenario {
  readonly name: string;
  readonly resolution: Resolution;
  readonly pairs: readonly string[];
  readonly bars: number;
  readonly step: number;
  /** The request paths autocannon cycles through. */
  readonly paths: readonly string[];
}

const dailyPairs = Array.from({length: 100}, (_, i) => `BRLX${String(i).padStart(2, '0')}`);
const SCENARIOS: readonly Scenario[] = [
  {
    name: '100 pairs × 2 years, daily',
    resolution: '1d',
    pairs: dailyPairs,
    bars: 730,
    step: DAY,
    paths: dailyPairs.map((pair) => `/${pair}/mms?from=${END - 365 * DAY}&range=20`),
  },
  {
    name: '1 pair × 1 year, 1-minute',
    resolution: '1m',
    pairs: ['BRLBTC'],
    bars: 525_600,
    step: MINUTE,
    // One day of minute bars (1,440 points), a different day of the last year for each path.
    paths: Array.from({length: 100}, (_, i) => {
      const from = END - (i * 3 + 2) * DAY;
      return `/BRLBTC/mms?from=${from}&to=${from + DAY - MINUTE}&range=20`;
    }),
  },
];

const rows: string[] = [];
for (const scenario of SCENARIOS) rows.push(await run(scenario));
console.log(`\nstore                        startup   peak RSS (< ${LIMIT_MB} MB)   req/s    p50     p99 (< 10 ms)`);
for (const row of rows) console.log(row);

async function run(scenario: Scenario): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mms-bench-serve-scale-'));
  const children: ChildProcess[] = [];
  try {
    const filled = performance.now();
    await fill(join(dir, 'data', 'mms.db'), scenario);
    console.log(
      `${scenario.name}: ${(scenario.pairs.length * scenario.bars).toLocaleString('en-US')} records written in ${((performance.now() - filled) / 1000).toFixed(1)} s`,
    );
    await writeFile(
      join(dir, 'mms.config.json'),
      JSON.stringify({pairs: scenario.pairs, resolution: scenario.resolution, sink: {use: 'sqlite', path: 'data/mms.db'}}),
    );
    const rssFile = join(dir, 'peak-rss');
    const started = performance.now();
    const server = await start(children, dir, {MMS_NOW: NOW, MMS_PEAK_RSS_FILE: rssFile});
    const startup = (performance.now() - started) / 1000;
    for (const path of scenario.paths.slice(0, 3)) {
      const response = await fetch(`${server.url}${path}`);
      const points = (await response.json()) as unknown[];
      if (response.status !== 200 || points.length === 0) throw new Error(`${path}: ${response.status}, ${points.length} points`);
    }
    let next = 0;
    const requests: autocannon.Request[] = [{setupRequest: (request) => ({...request, path: scenario.paths[next++ % scenario.paths.length]!})}];
    await autocannon({url: server.url, connections: 10, duration: 1, requests}); // warm-up
    const result = await autocannon({url: server.url, connections: 10, duration: DURATION, requests});
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${scenario.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    await server.stop();
    const peakMb = Math.round(Number(await readFile(rssFile, 'utf8')) / 1024);
    const row =
      `${scenario.name.padEnd(28)} ${startup.toFixed(2).padStart(5)} s   ${String(peakMb).padStart(4)} MB ${peakMb < LIMIT_MB ? '(ok)  ' : '(OVER)'}        ` +
      `${result.requests.average.toFixed(0).padStart(6)}   ${String(result.latency.p50).padStart(3)} ms  ${String(result.latency.p99).padStart(3)} ms ${result.latency.p99 < 10 ? '(ok)' : '(OVER)'}`;
    console.log(row);
    return row;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await rm(dir, {recursive: true, force: true});
  }
}

/** The scenario's store: a random walk of closes per pair with its exact 20/50/200-bar averages, in pages. */
async function fill(path: string, scenario: Scenario): Promise<void> {
  const sink = new SqliteSink({path, busyTimeoutMs: 10_000, resolution: scenario.resolution, configKey: 'sink.path'});
  const first = END - scenario.bars * scenario.step;
  for (const [p, pair] of scenario.pairs.entries()) {
    const closes = new Float64Array(scenario.bars);
    let price = 1000 + p * 37;
    let seed = p + 1;
    for (let i = 0; i < closes.length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      price = Math.max(1, price * (1 + (seed / 2_147_483_648 - 0.5) / 50));
      closes[i] = Math.round(price * 1e5) / 1e5;
    }
    const [m20, m50, m200] = computeSmas(closes, [20, 50, 200]);
    const value = (column: Float64Array, i: number) => (Number.isNaN(column[i]!) ? null : column[i]!);
    for (let from = 0; from < closes.length; from += 50_000) {
      const page: MmsRecord[] = [];
      for (let i = from; i < Math.min(closes.length, from + 50_000); i++) {
        page.push({pair, timestamp: first + i * scenario.step, close: closes[i]!, mms_20: value(m20!, i), mms_50: value(m50!, i), mms_200: value(m200!, i)});
      }
      await sink.upsert(page);
    }
  }
  await sink.close();
}

async function start(list: ChildProcess[], cwd: string, env: Record<string, string>): Promise<{url: string; stop: () => Promise<void>}> {
  const child = spawn(
    process.execPath,
    [...(process.env.SERVE_FLAGS ? process.env.SERVE_FLAGS.split(' ') : []), '--import', reportRss, bin, 'serve', '--port', '0', '--json'],
    {cwd, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'ignore']},
  );
  list.push(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        resolve({
          url: (JSON.parse(out.split('\n')[0]!) as {url: string}).url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`mms serve exited ${code}`)));
  });
}
