import {spawn} from 'node:child_process';
import {watch} from 'node:fs';
import {readdir, readFile, stat, utimes, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {syntheticDataset} from '../../simulator/synthetic-dataset.js';
import {ROOT} from '../helpers/run-cli.js';
import {simulatedProject} from '../helpers/simulated-project.js';

const NOW = '2024-06-01T10:30:00Z';

/** Hourly bars from the synthetic series in pages of 50: a long backfill of ~120 atomic rewrites. */
const hourly = (url: string, extra: Record<string, unknown> = {}) => ({
  pairs: ['BRLBTC'],
  resolution: '1h',
  initialBars: 6000,
  source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, chunkSize: 50, ...extra},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
});

function spawnIngest(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'ingest'], {cwd, env: {PATH: process.env.PATH, TZ: process.env.TZ, CI: 'true', ...env}});
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {child, exit, stderr: () => stderr};
}

/** Three hours the source has no candle for, a day into the first written ones: far behind where the kill lands. */
const EARLY_HOLE = Date.parse('2024-06-01T09:00:00Z') / 1000 - 5999 * 3600 + 24 * 3600;

test('kill -9 in the middle of a long backfill leaves valid files, and the next run takes over the lock and completes the same data and ledger', async (t) => {
  const dataset = syntheticDataset(11);
  const faults = [{type: 'hole', pair: 'BRLBTC', from: EARLY_HOLE, to: EARLY_HOLE + 2 * 3600} as const];
  const reference = await simulatedProject(t, {dataset, faults, config: (url) => hourly(url)});
  t.is((await reference.mms(['ingest'], NOW)).code, 0);
  const ledgerOf = async (dir: string) => {
    const {runs, ...ledger} = JSON.parse(await readFile(join(dir, 'data', 'mms.state.json'), 'utf8'));
    return {ledger, runs: runs as Array<{command: string; pid: number; endedAt?: string; outcome?: string}>};
  };
  const referenceState = (await ledgerOf(reference.dir)).ledger;
  t.like(referenceState.holes, [{from: EARLY_HOLE, to: EARLY_HOLE + 2 * 3600}]);

  const project = await simulatedProject(t, {dataset, faults, config: (url) => hourly(url)});
  await project.mms(['--version'], NOW); // set the simulator's clock to NOW
  const run = spawnIngest(project.dir, {MMS_NOW: NOW});
  // Kill once a good part of the backfill is on disk, while pages are still being written.
  for (let i = 0; i < 3000; i++) {
    const size = (await stat(project.dataPath).catch(() => undefined))?.size ?? 0;
    if (size > 200_000) break;
    await sleep(10);
  }
  run.child.kill('SIGKILL');
  t.is(await run.exit, null, 'killed, not finished');

  const partial = await project.records();
  t.true(partial.length > 0 && partial.length < 6000, `a part was written (${partial.length} records)`);
  const lock = JSON.parse(await readFile(`${project.dataPath}.lock`, 'utf8'));
  t.is(lock.pid, run.child.pid, 'the dead run left its lock behind');

  // The run after a crash is a new process, as it is for real: nothing of an earlier run is in its memory.
  const next = await project.mmsProcess(['ingest'], NOW);
  t.is(next.code, 0, next.stderr);
  t.is(await project.rawData(), await reference.rawData(), 'same bytes as a run that was never killed');
  const after = await ledgerOf(project.dir);
  t.deepEqual(after.ledger, referenceState, 'the hole met before the kill is still known');
  // The run history: the killed run, never ended, then the one that completed.
  t.like(after.runs, [
    {command: 'ingest', pid: run.child.pid},
    {command: 'ingest', outcome: 'ok'},
  ]);
  t.is(after.runs[0]!.endedAt, undefined, 'the killed run shows as unfinished');
  const leftovers = (await readdir(join(project.dir, 'data'))).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'));
  t.deepEqual(leftovers, [], 'no temporary file or lock is left');
});

test('two ingests on one store at once: the second refuses with exit 5 naming the first, and the data is intact', async (t) => {
  const reference = await simulatedProject(t);
  t.is((await reference.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  // The API answers after a minute: the first run holds the lock as long as the test needs, however slow
  // the machine is.
  const project = await simulatedProject(t, {
    faults: [{type: 'slow', delayMs: 60_000}],
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, timeoutMs: 120_000}}),
  });
  await project.mms(['--version'], '2022-04-27T12:00:00Z');
  const first = spawnIngest(project.dir, {MMS_NOW: '2022-04-27T12:00:00Z'});
  for (let i = 0; i < 3000 && !(await stat(`${project.dataPath}.lock`).catch(() => undefined)); i++) await sleep(10);
  t.truthy(await stat(`${project.dataPath}.lock`).catch(() => undefined), 'the first run took the lock');
  const second = await project.mms(['ingest'], '2022-04-27T12:00:00Z');
  t.is(second.code, 5);
  t.regex(
    second.stderr,
    new RegExp(
      `is in use by another mms run \\(\`mms ingest\`, pid ${first.child.pid} on ${hostname()}, started .*\\)\\. mms refuses to run two writers on one store`,
    ),
  );
  first.child.kill('SIGTERM');
  t.is(await first.exit, 130, first.stderr());
  project.setFaults([]);
  t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  t.is(await project.rawData(), await reference.rawData());
});

test('a lock left by a dead process on this host is taken over at once; a fresh lock of another host is respected until its heartbeat stops', async (t) => {
  const project = await simulatedProject(t);
  const lockPath = `${project.dataPath}.lock`;
  await project.mms(['ingest', '--dry-run'], '2022-04-27T12:00:00Z');
  const {mkdir} = await import('node:fs/promises');
  await mkdir(join(project.dir, 'data'), {recursive: true});

  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => dead.on('close', resolve));
  await writeFile(lockPath, JSON.stringify({pid: dead.pid, host: hostname(), command: 'mms ingest', startedAt: '2022-04-27T00:00:00Z'}));
  t.is((await project.mms(['ingest', '--pairs', 'BRLBTC', '--from', '2022-04-01'], '2022-04-27T12:00:00Z')).code, 0);

  await writeFile(lockPath, JSON.stringify({pid: 1, host: 'another-host', command: 'mms ingest', startedAt: '2022-04-27T00:00:00Z'}));
  const refused = await project.mms(['ingest'], '2022-04-27T12:00:00Z');
  t.is(refused.code, 5);
  t.regex(refused.stderr, /pid 1 on another-host/);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await utimes(lockPath, aMinuteAgo, aMinuteAgo);
  const recovered = await project.mms(['ingest'], '2022-04-27T12:00:00Z');
  t.is(recovered.code, 0, recovered.stderr);
});

test('SIGTERM stops a run at the next page with exit 130, releases the lock, and the next run completes the data', async (t) => {
  const reference = await simulatedProject(t);
  t.is((await reference.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  // Six pages of 50 days come at once (the last two reach the days to write), then the API stalls: the run
  // is surely still going when it is stopped.
  const project = await simulatedProject(t, {
    faults: [{type: 'slow', delayMs: 60_000, after: 6}],
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, chunkSize: 50, timeoutMs: 120_000}}),
  });
  await project.mms(['--version'], '2022-04-27T12:00:00Z');
  const run = spawnIngest(project.dir, {MMS_NOW: '2022-04-27T12:00:00Z'});
  for (let i = 0; i < 3000 && !(await stat(project.dataPath).catch(() => undefined)); i++) await sleep(10);
  t.true((await project.records()).length > 0, 'some days were written before the stop');
  run.child.kill('SIGTERM');
  t.is(await run.exit, 130, run.stderr());
  t.regex(run.stderr(), /interrupted \(SIGTERM\); what was written is kept, and the next run resumes after it/);
  t.falsy(await stat(`${project.dataPath}.lock`).catch(() => undefined), 'the lock was released');
  project.setFaults([]);
  t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  t.is(await project.rawData(), await reference.rawData());
});

/** Fast retries, so a failing window is declared in well under a second. */
const failFast = (url: string) => ({
  source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, timeoutMs: 30_000, retry: {limit: 1, baseDelayMs: 10, maxDelayMs: 100}},
});

/**
 * Runs `mms <args>` and kills it with SIGKILL the moment a file whose name matches `trigger` appears in the
 * data directory (inotify, not polling: the kill lands while that write is under way, or just after it).
 */
async function killWhenWriting(
  dir: string,
  args: string[],
  env: Record<string, string>,
  trigger: RegExp,
): Promise<{killedOn?: string; code: number | null; stderr: string}> {
  const dataDir = join(dir, 'data');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: dir,
    env: {PATH: process.env.PATH, TZ: process.env.TZ, CI: 'true', ...env},
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let killedOn: string | undefined;
  const watcher = watch(dataDir, (_event, name) => {
    if (killedOn === undefined && name && trigger.test(name)) {
      killedOn = name;
      child.kill('SIGKILL');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  watcher.close();
  return {killedOn, code, stderr};
}

test('kill -9 while a failing run saves the ledger leaves the data and the state file whole (old or new), and the next run completes both', async (t) => {
  // The same two days without a fault.
  const reference = await simulatedProject(t, {config: failFast});
  t.is((await reference.mms(['ingest'], '2022-04-26T12:00:00Z')).code, 0);
  t.is((await reference.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);

  for (let round = 0; round < 4; round++) {
    // Day 1: BRLETH fails and is queued. Day 2: it fails again while BRLBTC writes its new day; the run is
    // killed as it saves the ledger (the save's write lock appearing), after the data was written.
    const project = await simulatedProject(t, {faults: [{type: 'fail-pair', pair: 'BRLETH'}], config: failFast});
    t.is((await project.mms(['ingest'], '2022-04-26T12:00:00Z')).code, 3);
    const statePath = join(project.dir, 'data', 'mms.state.json');
    const oldState = await readFile(statePath, 'utf8');
    const oldData = await project.rawData();
    await project.mms(['--version'], '2022-04-27T12:00:00Z'); // the simulator's clock
    const killed = await killWhenWriting(project.dir, ['ingest'], {MMS_NOW: '2022-04-27T12:00:00Z'}, /^mms\.state\.json\.write\.lock$/);
    t.is(killed.code, null, `killed, not finished: ${killed.stderr}`);
    t.is(killed.killedOn, 'mms.state.json.write.lock');

    // The data file: before, or exactly one record after, BRLBTC's 2022-04-26 (written before the ledger save).
    const data = await project.rawData();
    if (data !== oldData) {
      const added = (JSON.parse(data) as Array<{pair: string; timestamp: number}>).filter((r) => !oldData.includes(JSON.stringify(r)));
      t.deepEqual(
        added.map((r) => [r.pair, r.timestamp]),
        [['BRLBTC', 1_650_931_200]],
        'the new content: the old plus the new day',
      );
    }
    // The state file: byte for byte the day-1 ledger, or a whole one of this run (BRLETH tried again).
    const state = await readFile(statePath, 'utf8');
    const parsed = JSON.parse(state) as {version: number; failures: Array<{pair: string; status: string; lastTriedAt: string}>};
    t.is(parsed.version, 1);
    t.like(parsed.failures, [{pair: 'BRLETH', status: 'pending'}]);
    if (state !== oldState) t.is(parsed.failures[0]!.lastTriedAt, '2022-04-27T12:00:00.000Z', 'the new content: tried again today');

    project.setFaults([]);
    // A new process, as after a real crash: one that has taken the ledger's lock before (this test process)
    // no longer looks for the temporary files a killed taker leaves.
    const next = await project.mmsProcess(['ingest'], '2022-04-27T12:00:00Z');
    t.is(next.code, 0, next.stderr);
    // BRLETH's queued window starts a day before what an ingest into its empty series loads: retry fills it.
    const retry = await project.mms(['retry'], '2022-04-27T12:00:00Z');
    t.is(retry.code, 0, retry.stderr);
    t.is(await project.rawData(), await reference.rawData(), 'the same data as days that never failed');
    const pending = JSON.parse((await project.mms(['retry', '--list', '--json'], '2022-04-27T12:00:00Z')).stdout) as {pending: unknown[]};
    t.deepEqual(pending.pending, [], 'nothing left queued');
    const leftovers = (await readdir(join(project.dir, 'data'))).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'));
    t.deepEqual(leftovers, [], 'no temporary file or lock is left');
  }
});

test('kill -9 during mms retry leaves the data and the ledger whole (old or new), and the next retry completes them', async (t) => {
  const reference = await simulatedProject(t, {config: failFast});
  t.is((await reference.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);

  // Kill on the first data write, and on the first ledger save (after the first window was written).
  for (const trigger of [/^\.mms\.json\..*\.tmp$/, /^mms\.state\.json\.write\.lock$/, /^\.mms\.state\.json\..*\.tmp$/]) {
    const project = await simulatedProject(t, {faults: [{type: 'down'}], config: failFast});
    t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 3);
    const statePath = join(project.dir, 'data', 'mms.state.json');
    const oldState = await readFile(statePath, 'utf8');
    project.setFaults([]);
    const killed = await killWhenWriting(project.dir, ['retry'], {MMS_NOW: '2022-04-27T12:00:00Z'}, trigger);
    t.is(killed.code, null, `killed, not finished: ${killed.stderr}`);
    t.regex(killed.killedOn ?? '', trigger);

    const data = await readFile(project.dataPath, 'utf8').catch(() => undefined);
    if (data !== undefined) {
      // Written page by page, each page atomically: per pair, the first days of the complete series, exact.
      const records = JSON.parse(data) as Array<{pair: string; timestamp: number}>;
      const complete = JSON.parse(await reference.rawData()) as Array<{pair: string; timestamp: number}>;
      for (const pair of ['BRLBTC', 'BRLETH']) {
        const stored = records.filter((r) => r.pair === pair);
        t.deepEqual(
          stored,
          complete.filter((r) => r.pair === pair).slice(0, stored.length),
          `${pair}: a prefix of the complete series (${stored.length} days)`,
        );
      }
    }
    // The ledger: byte for byte the old one, or a whole new one (both windows still listed, some resolved).
    const state = await readFile(statePath, 'utf8');
    const failures = (JSON.parse(state) as {failures: Array<{status: string}>}).failures;
    t.is(failures.length, 2);
    if (state === oldState) t.true(failures.every((f) => f.status === 'pending'));

    // A new process, as after a real crash (see above).
    const next = await project.mmsProcess(['retry'], '2022-04-27T12:00:00Z');
    t.is(next.code, 0, next.stderr);
    t.is(await project.rawData(), await reference.rawData(), 'byte-identical to a run that never failed');
    const leftovers = (await readdir(join(project.dir, 'data'))).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'));
    t.deepEqual(leftovers, [], 'no temporary file or lock is left');
  }
});
