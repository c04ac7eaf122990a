// `npm start`: the main job, offline. Starts the Mercado Bitcoin simulator on a free loopback port, runs
// `mms ingest` against it as the daily job would (MMS_NOW = the moment the candles were recorded), then
// shows what was written and how to see it on the chart page of `mms serve`.
import {spawn} from 'node:child_process';
import {DatabaseSync} from 'node:sqlite';
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

// Read the way any SQLite tool would (read-only), to show what the job stored.
const store = new DatabaseSync(`${root}data/offline/mms.db`, {readOnly: true});
const count = (store.prepare('SELECT count(*) AS n FROM records').get() as {n: number}).n;
console.log(`data/offline/mms.db (SQLite) holds ${count} records. The newest day of each pair:`);
const newest = store.prepare('SELECT * FROM records AS r WHERE timestamp = (SELECT max(timestamp) FROM records WHERE pair = r.pair) ORDER BY pair').all();
for (const record of newest) console.log(`  ${JSON.stringify({...record})}`);
store.close();
console.log(
  '\nLook at it with any SQLite tool, e.g. sqlite3 -header -column data/offline/mms.db "SELECT pair, date(timestamp, \'unixepoch\') AS day, close, mms_20, mms_50, mms_200 FROM records ORDER BY timestamp DESC LIMIT 4"',
);
console.log('\nRun `npm start` again and nothing is written (up to date). For the real API: `npm run mms -- ingest` (mms.config.ts).');
// The server's "today" must be the recording's too: under the real date, the last 365 days hold no data.
console.log(
  `\nSee the chart: run \`MMS_NOW=${now} npm run mms -- serve --config examples/offline/mms.config.ts --open\` and open http://127.0.0.1:8080/ (Ctrl-C stops it).`,
);
