// Long backfill: `mms ingest --from --to` (the real CLI process) of one pair's 1-minute synthetic candles
// from the simulator on loopback (pacing off) through the SMA (20/50/200 bars) into a sink, for a year of
// bars (525,600) and then 2× and 4× that. Prints wall time, bars/s and the process's peak RSS per size, so
// growth with the range shows. Sinks: `ndjson` (examples/ndjson-sink: appends, the streaming path) at every
// size; `json-file` (one file rewritten whole per page) only where it can finish (see README).
//
//   npm run bench:backfill                 every size, both sinks where they apply
//   npm run bench:backfill -- 1            one size only (1, 2 or 4 years)
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
  readonly config: Record<string, unknown>;
  readonly plugins?: readonly string[];
  /** Largest size (in years) the sink is run at: past it, it is reported as out of reach. */
  readonly maxYears: number;
}

const SINKS: readonly Sink[] = [
  {name: 'ndjson', config: {use: 'ndjson', path: 'data/mms.ndjson'}, plugins: [join(ROOT, 'examples/ndjson-sink/ndjson-sink.ts')], maxYears: 4},
  {name: 'json-file', config: {use: 'json-file', path: 'data/mms.json'}, maxYears: 0},
];

const sizes = process.argv[2] ? [Number(process.argv[2])] : [1, 2, 4];
const now = (START + 4 * YEAR_BARS * MINUTE + 86_400) * 1000;
const simulator = await startSimulator({dataset: syntheticDataset(7), now: () => now});
const rows: string[] = [];
try {
  for (const sink of SINKS) {
    for (const years of sizes) {
      if (years > sink.maxYears) {
        rows.push(`${sink.name.padEnd(10)} ${String(years * YEAR_BARS).padStart(9)}  not run: ${sink.name === 'json-file' ? 'rewrites the whole file per page (see README)' : 'out of range'}`);
        continue;
      }
      const result = await backfill(sink, years);
      const rate = result.bars / result.seconds;
      rows.push(
        `${sink.name.padEnd(10)} ${String(result.bars).padStart(9)}  ${result.seconds.toFixed(1).padStart(7)} s  ${Math.round(rate).toLocaleString('en-US').padStart(9)} bars/s  peak RSS ${String(result.peakMb).padStart(4)} MB ${result.peakMb < LIMIT_MB ? '(< 256)' : '(OVER 256)'}  ${result.requests} requests`,
      );
      console.log(rows.at(-1));
    }
  }
} finally {
  await simulator.close();
}
console.log(`\nsink        bars         wall         rate            memory (target: peak RSS < ${LIMIT_MB} MB, bars/s flat)`);
for (const row of rows) console.log(row);

async function backfill(sink: Sink, years: number): Promise<{bars: number; seconds: number; peakMb: number; requests: number}> {
  const dir = await mkdtemp(join(tmpdir(), 'mms-backfill-'));
  try {
    const bars = years * YEAR_BARS;
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
        [...(process.env.BENCH_NODE_OPTIONS?.split(' ') ?? []), '--import', REPORT_RSS, BIN, 'ingest', '--from', String(START), '--to', String(START + (bars - 1) * MINUTE), '--json'],
        {cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, MMS_NOW: new Date(now).toISOString(), MMS_PEAK_RSS_FILE: rssFile, MMS_LOG_LEVEL: 'warn'}},
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => resolve({code, stderr}));
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${sink.name}: mms ingest exited ${code}: ${stderr.slice(-2000)}`);
    const written = await stat(join(dir, 'data', sink.name === 'ndjson' ? 'mms.ndjson' : 'mms.json'));
    if (written.size === 0) throw new Error(`${sink.name}: nothing written`);
    const peakMb = Math.round(Number(await readFile(rssFile, 'utf8')) / 1024);
    return {bars, seconds, peakMb, requests: simulator.requests - requestsBefore};
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}
