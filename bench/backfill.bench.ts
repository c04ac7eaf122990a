// Long backfill: `mms ingest --from --to` (the real CLI process) of one pair's 1-minute synthetic candles
// from the simulator on loopback (pacing off) through the SMA (20/50/200 bars) into a sink, for a year of
// bars (525,600) and then 2× and 4× that. Prints wall time, bars/s and the process's peak RSS per size, so
// growth with the range shows, and bars/s relative to the smallest size.
//
// Sinks: `ndjson` (examples/ndjson-sink, loaded as a user's plugin: appends, the streaming path) and
// `sqlite` (the default store) at 1, 2 and 4 years; sqlite's rate is also printed as a ratio of ndjson's at
// the same size (target ≥ 0.8×). `json-file` keeps the whole series in memory and rewrites its one file per page of candles, so
// its cost grows with the square of the range: it runs at 1/32, 1/16 and 1/8 of a year, where that trend
// already shows, rather than for hours.
//
//   npm run bench:backfill                 every sink, every size
//   npm run bench:backfill -- ndjson sqlite   only these sinks
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {startSimulator} from '../simulator/start-simulator.js';
import {syntheticDataset} from '../simulator/synthetic-dataset.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/run.js');
const REPORT_RSS = fileURLToPath(new URL('./report-peak-rss.js', import.meta.url));
const MINUTE = 60;
const YEAR_BARS = 525_600;
const START = Date.parse('2021-01-01T00:00:00Z') / 1000;
const LIMIT_MB = 256;

interface Sink {
  readonly name: string;
  readonly file: string;
  readonly config: Record<string, unknown>;
  readonly plugins?: readonly string[];
  /** Sizes run, in years of minute bars. */
  readonly years: readonly number[];
}

const SINKS: readonly Sink[] = [
  {
    name: 'ndjson',
    file: 'mms.ndjson',
    config: {use: 'ndjson', path: 'data/mms.ndjson'},
    plugins: [join(ROOT, 'examples/ndjson-sink/ndjson-sink.ts')],
    years: [1, 2, 4],
  },
  {name: 'sqlite', file: 'mms.db', config: {use: 'sqlite', path: 'data/mms.db'}, years: [1, 2, 4]},
  {name: 'json-file', file: 'mms.json', config: {use: 'json-file', path: 'data/mms.json'}, years: [1 / 32, 1 / 16, 1 / 8]},
];

const asked = process.argv.slice(2);
const chosen = SINKS.filter((sink) => asked.length === 0 || asked.includes(sink.name));
if (chosen.length === 0) throw new Error(`unknown sink "${asked.join(' ')}"; known: ${SINKS.map((s) => s.name).join(', ')}`);
const now = (START + 4 * YEAR_BARS * MINUTE + 86_400) * 1000;
const simulator = await startSimulator({dataset: syntheticDataset(7), now: () => now});
const rows: string[] = [];
/** Bars/s of each sink at each size, to set sqlite beside ndjson. */
const rates = new Map<string, number>();
// Size by size, the sinks one after the other, so that sqlite and ndjson at one size run minutes apart at most
// and a drift of the machine's speed cannot favour either.
const runs = chosen.flatMap((sink) => sink.years.map((years) => ({sink, years}))).sort((a, b) => a.years - b.years);
const firstRates = new Map<string, number>();
try {
  for (const {sink, years} of runs) {
    const result = await backfill(sink, years);
    const rate = result.bars / result.seconds;
    if (!firstRates.has(sink.name)) firstRates.set(sink.name, rate);
    const firstRate = firstRates.get(sink.name)!;
    rates.set(`${sink.name}:${years}`, rate);
    const ndjson = rates.get(`ndjson:${years}`);
    rows.push(
      `${sink.name.padEnd(10)} ${String(result.bars).padStart(9)}  ${result.seconds.toFixed(1).padStart(6)} s  ${Math.round(rate).toLocaleString('en-US').padStart(7)} bars/s (${(rate / firstRate).toFixed(2)}× the smallest` +
        `${sink.name !== 'ndjson' && ndjson ? `, ${(rate / ndjson).toFixed(2)}× ndjson` : ''})  ` +
        `peak RSS ${String(result.peakMb).padStart(4)} MB ${result.peakMb < LIMIT_MB ? '(< 256)' : '(OVER 256)'}  ${result.requests} requests`,
    );
    console.log(rows.at(-1));
  }
} finally {
  await simulator.close();
}
console.log(`\nsink            bars     wall     rate                              memory (target: peak RSS < ${LIMIT_MB} MB, bars/s flat)`);
for (const row of rows) console.log(row);

async function backfill(sink: Sink, years: number): Promise<{bars: number; seconds: number; peakMb: number; requests: number}> {
  const dir = await mkdtemp(join(tmpdir(), 'mms-backfill-'));
  try {
    const bars = Math.round(years * YEAR_BARS);
    await writeFile(
      join(dir, 'mms.config.json'),
      JSON.stringify({
        pairs: ['BRLBTC'],
        resolution: '1m',
        source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator.url}/api/v4`, minIntervalMs: 0},
        transforms: [{use: 'sma', windows: [20, 50, 200]}],
        sink: sink.config,
        ...(sink.plugins ? {plugins: sink.plugins} : {}),
      }),
    );
    const requestsBefore = simulator.requests;
    const rssFile = join(dir, 'peak-rss');
    const started = performance.now();
    const {code, stderr} = await new Promise<{code: number | null; stderr: string}>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', REPORT_RSS, BIN, 'ingest', '--from', String(START), '--to', String(START + (bars - 1) * MINUTE), '--json'],
        {
          cwd: dir,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {...process.env, MMS_NOW: new Date(now).toISOString(), MMS_PEAK_RSS_FILE: rssFile, MMS_LOG_LEVEL: 'warn'},
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({code, stderr}));
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${sink.name}: mms ingest exited ${code}: ${stderr.slice(-2000)}`);
    const written = await stat(join(dir, 'data', sink.file));
    if (written.size === 0) throw new Error(`${sink.name}: nothing written`);
    const peakMb = Math.round(Number(await readFile(rssFile, 'utf8')) / 1024);
    return {bars, seconds, peakMb, requests: simulator.requests - requestsBefore};
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}
