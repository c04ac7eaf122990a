// `npm start`: the main job, offline. Starts the Mercado Bitcoin simulator on a free loopback port, runs
// `mms ingest` against it as the daily job would (MMS_NOW = the moment the candles were recorded), then
// shows what was written and how to see it on the chart page of `mms serve`.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {RECORDED_AT, recordedDataset} from '../simulator/recorded-dataset.js';
import {simulatorClock} from '../simulator/simulator-clock.js';
import {startSimulator} from '../simulator/start-simulator.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const now = process.env.MMS_NOW ?? RECORDED_AT;
const simulator = await startSimulator({dataset: recordedDataset(), now: simulatorClock({MMS_NOW: now}, false).now});
console.log(`Mercado Bitcoin simulator (recorded candles) on ${simulator.url}; MMS_NOW=${now}\n`);
console.log('$ mms ingest --config examples/offline/mms.config.ts');

const started = performance.now();
// The CLI runs as a child process (exactly what cron would run) while this process keeps serving.
const exitCode = await new Promise<number>((resolve) => {
  spawn(process.execPath, ['bin/run.js', 'ingest', '--config', 'examples/offline/mms.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: {...process.env, MMS_NOW: now, MMS_SIMULATOR_URL: simulator.url},
  }).on('exit', (code) => resolve(code ?? 1));
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
await simulator.close();
if (exitCode !== 0) process.exit(exitCode);
console.log(`\n${simulator.requests} request(s) to the simulator in ${seconds} s (paced at 1 request/s, as MB documents).\n`);

const records = JSON.parse(readFileSync(`${root}data/offline/mms.json`, 'utf8')) as Array<Record<string, unknown>>;
console.log(`data/offline/mms.json holds ${records.length} records. The newest day of each pair:`);
for (const pair of new Set(records.map((r) => r.pair))) {
  console.log(`  ${JSON.stringify(records.filter((r) => r.pair === pair).at(-1))}`);
}
console.log('\nRun `npm start` again and nothing is written (up to date). For the real API: `npm run mms -- ingest` (mms.config.ts).');
// The server's "today" must be the recording's too: under the real date, the last 365 days hold no data.
console.log(
  `\nSee the chart: run \`MMS_NOW=${now} npm run mms -- serve --config examples/offline/mms.config.ts --open\` and open http://127.0.0.1:8080/ (Ctrl-C stops it).`,
);
