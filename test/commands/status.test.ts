import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {ROOT} from '../helpers/run-cli.js';
import {startMockMongodb} from '../helpers/mock-mongodb.js';
import {type SimulatedProject, simulatedProject} from '../helpers/simulated-project.js';

const baseConfig = (url: string) => ({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {
    use: 'mercado-bitcoin',
    api: 'v4',
    baseUrl: `${url}/api/v4`,
    minIntervalMs: 0,
    timeoutMs: 120_000,
    retry: {limit: 1, baseDelayMs: 10, maxDelayMs: 10},
  },
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'sqlite', path: 'data/mms.db'},
});

interface Status {
  store: {sink: string; location: string; resolution: string; fields: string[]};
  bytes: number | null;
  pairs: Array<{
    pair: string;
    first: string | null;
    last: string | null;
    records: number;
    incomplete: number;
    holeBars: number;
    pending: number;
    behind: number | null;
  }>;
  runs: Array<{command: string; outcome?: string; exitCode?: number; endedAt?: string; pid: number; error?: string}>;
}

/** `mms ingest` as a real process, killed with SIGKILL once `mms status` shows its start in the run history. */
async function killedIngest(t: ExecutionContext, project: SimulatedProject, now: string): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'ingest'], {cwd: project.dir, env: {PATH: process.env.PATH, CI: 'true', MMS_NOW: now}});
  const exit = new Promise((resolve) => child.on('close', resolve));
  const started = async () => {
    const status = await project.mms(['status', '--json'], now);
    return status.code === 0 && (JSON.parse(status.stdout) as Status).runs.some((r) => r.pid === child.pid);
  };
  let seen = false;
  for (let i = 0; i < 600 && !seen; i++) {
    seen = await started();
    if (!seen) await sleep(50);
  }
  t.true(seen, 'the run recorded its start');
  child.kill('SIGKILL');
  await exit;
  return child.pid!;
}

for (const [name, sink] of [
  ['sqlite', async () => ({use: 'sqlite', path: 'data/mms.db'})],
  ['json-file', async () => ({use: 'json-file', path: 'data/mms.json'})],
  ['mongodb (wire-level fake)', async (t: ExecutionContext) => ({use: 'mongodb', url: (await startMockMongodb(t)).url, database: 'mms', collection: 'mms'})],
] as const) {
  test(`mms status on ${name}: per pair what is stored and how far behind, and the last runs: ok, failed with its error, and killed`, async (t) => {
    const store = await sink(t);
    const project = await simulatedProject(t, {config: (url) => ({...baseConfig(url), sink: store})});
    await statusScenario(t, project, store.use);
  });
}

async function statusScenario(t: ExecutionContext, project: SimulatedProject, sinkName: string): Promise<void> {
  t.is((await project.mms(['ingest'], '2022-04-20T12:00:00Z')).code, 0);
  project.setFaults([{type: 'fail-pair', pair: 'BRLETH'}]);
  t.is((await project.mms(['ingest'], '2022-04-22T12:00:00Z')).code, 3);
  // The exchange answers after a minute: the next run is killed while it waits.
  project.setFaults([{type: 'slow', delayMs: 60_000}]);
  const killed = await killedIngest(t, project, '2022-04-24T12:00:00Z');

  const run = await project.mms(['status', '--json'], '2022-04-27T12:00:00Z');
  t.is(run.code, 0, run.stderr);
  const status = JSON.parse(run.stdout) as Status;
  t.like(status.store, {sink: sinkName, resolution: '1d', fields: ['mms_20', 'mms_50', 'mms_200']});
  if (sinkName !== 'mongodb') t.true(status.bytes! > 0, 'a file store has a size');
  // The newest run of each pair is the killed one.
  const lastRun = {command: 'ingest', outcome: 'unfinished', seconds: null};
  t.like(status.pairs, [
    {pair: 'BRLBTC', first: '2021-04-20', last: '2022-04-21', records: 367, incomplete: 0, holeBars: 0, pending: 0, behind: 5, lastRun},
    {pair: 'BRLETH', first: '2021-04-20', last: '2022-04-19', records: 365, incomplete: 0, holeBars: 0, pending: 1, behind: 7, lastRun},
  ]);
  t.is(status.pairs.length, 2);
  t.like(status.runs, [
    {command: 'ingest', pid: killed},
    {command: 'ingest', outcome: 'partial', exitCode: 3},
    {command: 'ingest', outcome: 'ok', exitCode: 0},
  ]);
  t.is(status.runs[0]!.endedAt, undefined);
  t.regex(status.runs[1]!.error!, /^BRLETH 2022-04-20\.\.2022-04-21: /);

  const text = await project.mms(['status'], '2022-04-27T12:00:00Z');
  t.regex(text.stdout, new RegExp(`^${sinkName} store .*, 1d bars, fields mms_20, mms_50, mms_200$`, 'm'));
  t.regex(text.stdout, /^pair {4}first {7}last {8}records {2}incomplete {2}holes {2}pending {2}behind {2}last run$/m);
  t.regex(text.stdout, /^BRLETH {2}2021-04-20 {2}2022-04-19 {6}365 {11}0 {6}0 {8}1 {2}7 days {2}ingest unfinished \d{4}-\d\d-\d\dT\d\d:\d\dZ$/m);
  t.regex(text.stdout, new RegExp(`ingest {2}UNFINISHED \\(pid ${killed} on `));
  t.regex(text.stdout, /ingest {2}partial \(exit 3\) in [\d.]+ s, 2 written, \d+ request\(s\) — BRLETH/);
}

test('mms status on an empty store and on a JSON file: nothing stored yet, no run yet', async (t) => {
  const project = await simulatedProject(t);
  const run = await project.mms(['status', '--json'], '2022-04-27T12:00:00Z');
  t.is(run.code, 0, run.stderr);
  const status = JSON.parse(run.stdout) as Status;
  t.like(status.store, {sink: 'json-file'});
  t.deepEqual(
    status.pairs.map((p) => [p.pair, p.records, p.last, p.behind]),
    [
      ['BRLBTC', 0, null, null],
      ['BRLETH', 0, null, null],
    ],
  );
  t.deepEqual(status.runs, []);
  t.regex((await project.mms(['status'], '2022-04-27T12:00:00Z')).stdout, /No run recorded yet\./);
});
