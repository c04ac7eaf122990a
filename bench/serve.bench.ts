// `mms serve` throughput and latency: 730 days of both pairs in a JSON store, then autocannon on
// GET /BRLBTC/mms?from=<365 days ago>&range=20 against the real `mms serve` process, and in the same run
// against a minimal node:http server returning the same bytes (the ceiling on this machine).
import {type ChildProcess, execFileSync, spawn} from 'node:child_process';
import {openSync, readFileSync} from 'node:fs';
import {mkdtemp, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import autocannon from 'autocannon';
import {JsonFileSink} from '../plugins/json-file/json-file-sink.js';
import {computeSmas} from '../plugins/sma/compute-sma.js';
import {recordedDataset} from '../simulator/recorded-dataset.js';

const NOW = '2022-04-27T12:00:00Z';
const DAY = 86_400;
const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const today = Math.floor(Date.parse(NOW) / 1000 / DAY) * DAY;
const path = `/BRLBTC/mms?from=${today - 365 * DAY}&range=20`;
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const rawServer = fileURLToPath(new URL('./raw-http-server.js', import.meta.url));

// One core for the load generator (this process), the other for the server under test, when taskset exists:
// otherwise the scheduler moves them around and the figures wander by a third from run to run.
const pinned = (() => {
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
})();

const dir = await mkdtemp(join(tmpdir(), 'mms-bench-serve-'));
const children: ChildProcess[] = [];
try {
  // 730 complete days per pair, with their averages, from the recorded candles.
  const dataset = recordedDataset();
  const sink = new JsonFileSink(join(dir, 'data', 'mms.json'));
  for (const pair of ['BRLBTC', 'BRLETH']) {
    const candles = dataset.candles(pair, DAY, today - 930 * DAY, today - DAY, today);
    const [m20, m50, m200] = computeSmas(
      Float64Array.from(candles, (c) => c.close),
      [20, 50, 200],
    );
    const records = candles.map((c, i) => ({pair, timestamp: c.timestamp, close: c.close, mms_20: m20![i]!, mms_50: m50![i]!, mms_200: m200![i]!})).slice(-730);
    await sink.upsert(records);
  }
  await writeFile(join(dir, 'mms.config.json'), JSON.stringify({sink: {use: 'json-file', path: 'data/mms.json'}}));

  const mms = await start(children, [bin, 'serve', '--port', '0', '--json'], dir, {MMS_NOW: NOW});
  const body = await (await fetch(`${mms.url}${path}`)).text();
  const raw = await start(children, [rawServer, body], dir, {});
  if ((await (await fetch(`${raw.url}${path}`)).text()) !== body) throw new Error('the baseline does not answer the same bytes');

  console.log(
    `GET ${path}: ${JSON.parse(body).length} points, ${body.length} bytes; ${DURATION} s per run, 10 connections; ${pinned ? 'load generator on CPU 0, server on CPU 1' : 'not pinned (no taskset)'}`,
  );
  // This machine's throughput drifts by a third from minute to minute, so the two servers run in
  // alternation, each round a back-to-back pair whose order flips from round to round (so a drift favours
  // neither side), and the headline is the median of the paired ratios.
  let ceiling = {rps: 0, p99: Infinity};
  let served = {rps: 0, p99: Infinity};
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  // Each server's least CPU per request over all its runs: neighbours on a shared machine only ever add to it.
  let leastCpu = {raw: Infinity, mms: Infinity};
  for (let round = 1; round <= ROUNDS; round++) {
    const rawFirst = round % 2 === 1;
    const first = rawFirst ? await load(`node:http, precomputed body #${round}`, raw) : await load(`mms serve #${round}`, mms);
    const second = rawFirst ? await load(`mms serve #${round}`, mms) : await load(`node:http, precomputed body #${round}`, raw);
    const [c, m] = rawFirst ? [first, second] : [second, first];
    ratios.push(m.rps / c.rps);
    cpuRatios.push(c.cpuPerRequest / m.cpuPerRequest);
    leastCpu = {raw: Math.min(leastCpu.raw, c.cpuPerRequest), mms: Math.min(leastCpu.mms, m.cpuPerRequest)};
    ceiling = best(ceiling, c);
    served = best(served, m);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const logBytes = (await stat(join(dir, 'serve.log'))).size;
  console.log(`mms serve wrote ${(logBytes / 1e6).toFixed(1)} MB of request logs (one JSON line per request) meanwhile`);
  console.log(
    `best: mms serve ${served.rps.toFixed(0)} req/s (p99 ${served.p99} ms), node:http ${ceiling.rps.toFixed(0)} req/s (p99 ${ceiling.p99} ms); ratio of the bests ${(served.rps / ceiling.rps).toFixed(2)}`,
  );
  console.log(`paired ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`paired ratios of requests per CPU-second of the server: ${cpuRatios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(
    `least server CPU per request: node:http ${(leastCpu.raw * 1e6).toFixed(1)} µs, mms serve ${(leastCpu.mms * 1e6).toFixed(1)} µs; ratio ${(leastCpu.raw / leastCpu.mms).toFixed(2)} (the figure least disturbed by other load on the machine)`,
  );
  console.log(
    `ratio mms serve / node:http (median of pairs): ${median(ratios).toFixed(2)} by req/s, ${median(cpuRatios).toFixed(2)} by requests per CPU-second (target >= 0.6 by req/s); mms serve p99 ${served.p99} ms (target < 10 ms)`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await rm(dir, {recursive: true, force: true});
}

interface Server {
  readonly url: string;
  readonly pid: number;
}

async function start(list: ChildProcess[], args: string[], cwd: string, env: Record<string, string>): Promise<Server> {
  // Request logs are on, as in production, and go to a file, as under systemd or a container runtime.
  const log = openSync(join(cwd, 'serve.log'), 'a');
  const [command, argv] = pinned ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, {cwd, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', log]});
  list.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({url: (JSON.parse(out.split('\n')[0]!) as {url: string}).url, pid: child.pid!});
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

function best(a: {rps: number; p99: number}, b: {rps: number; p99: number}) {
  return b.rps > a.rps ? b : a;
}

/**
 * One measured run. Besides req/s, the server's own CPU time per request (from /proc): on a VM whose
 * neighbours steal cycles, wall-clock throughput swings from run to run, while the CPU a request costs
 * the process does not.
 */
async function load(name: string, server: Server): Promise<{rps: number; p99: number; cpuPerRequest: number}> {
  await autocannon({url: `${server.url}${path}`, connections: 10, duration: 1}); // warm-up
  const cpuBefore = cpuSeconds(server.pid);
  const result = await autocannon({url: `${server.url}${path}`, connections: 10, duration: DURATION});
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuPerRequest = cpu / result.requests.total;
  console.log(
    `${name.padEnd(28)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   ${(cpuPerRequest * 1e6).toFixed(1)} µs of server CPU per request`,
  );
  return {rps: result.requests.average, p99: result.latency.p99, cpuPerRequest};
}

/** User + system CPU seconds a process has used (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
