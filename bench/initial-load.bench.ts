// Initial load: `mms ingest` (the real CLI process, default pacing of 1 request/s) into an empty JSON sink,
// 2 pairs × (365 + 199) days from the simulator on loopback. Prints wall time, the request count, the
// pacing floor (requests × 1 s) and their ratio.
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {RECORDED_AT, recordedDataset} from '../simulator/recorded-dataset.js';
import {startSimulator} from '../simulator/start-simulator.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'mms-bench-'));
const simulator = await startSimulator({dataset: recordedDataset(), now: () => Date.parse(RECORDED_AT)});
try {
  await writeFile(
    join(dir, 'mms.config.json'),
    JSON.stringify({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${simulator.url}/api/v4`},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'json-file', path: 'data/mms.json'},
    }),
  );
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [bin, 'ingest'], {cwd: dir, stdio: 'inherit', env: {...process.env, MMS_NOW: RECORDED_AT}}).on('exit', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`mms ingest exited ${code}`);
  const records = (JSON.parse(await readFile(join(dir, 'data', 'mms.json'), 'utf8')) as unknown[]).length;
  const floor = simulator.requests * 1;
  console.log(`initial load: ${records} records written, ${simulator.requests} requests, wall time ${seconds.toFixed(2)} s (CLI start included)`);
  console.log(`pacing floor (requests × 1 s): ${floor.toFixed(2)} s; ratio wall / floor: ${(seconds / floor).toFixed(2)} (target <= 1.5)`);
  // The first request is not delayed, so (requests − 1) s is the least any paced run can take.
  console.log(`strict floor ((requests − 1) × 1 s): ${(floor - 1).toFixed(2)} s; ratio wall / strict floor: ${(seconds / (floor - 1)).toFixed(2)}`);
} finally {
  await simulator.close();
  await rm(dir, {recursive: true, force: true});
}
