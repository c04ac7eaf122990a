import {spawn} from 'node:child_process';
import {readFile, mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {setTimeout as sleep} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {syntheticDataset} from '../../simulator/synthetic-dataset.js';
import {ROOT} from '../helpers/run-cli.js';
import {servedStore} from '../helpers/served-store.js';
import {simulatedProject} from '../helpers/simulated-project.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const NOW = '2024-06-01T10:30:00Z';
const BARS = 6000;
const PAGE = 20;
const LOOKBACK = 199;

/** Hourly bars of the synthetic series in pages of 20 into an SQLite store: a long backfill of 310 pages. */
const hourly = (url: string) => ({
  pairs: ['BRLBTC'],
  resolution: '1h',
  initialBars: BARS,
  source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, chunkSize: PAGE},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'sqlite', path: 'data/mms.db'},
});

/** Everything a user would compare: the records and the ledger, read the way `sqlite3` would. */
function contents(t: ExecutionContext, dir: string) {
  const db = new DatabaseSync(join(dir, 'data', 'mms.db'));
  t.teardown(() => db.close());
  return {
    integrity: (db.prepare('PRAGMA integrity_check').get() as {integrity_check: string}).integrity_check,
    records: db
      .prepare('SELECT * FROM records ORDER BY pair, timestamp')
      .all()
      .map((row) => ({...row})),
    failures: db
      .prepare('SELECT pair, resolution, from_ts, to_ts, kind, status FROM mms_failures ORDER BY pair, from_ts')
      .all()
      .map((row) => ({...row})),
    holes: db
      .prepare('SELECT pair, resolution, from_ts, to_ts FROM mms_holes ORDER BY pair, from_ts')
      .all()
      .map((row) => ({...row})),
    locks: (db.prepare('SELECT count(*) AS n FROM mms_locks').get() as {n: number}).n,
  };
}

/** Whether a run holds a lock in the store (it has opened the file and is about to write). */
async function locked(dir: string): Promise<boolean> {
  try {
    const db = new DatabaseSync(join(dir, 'data', 'mms.db'), {readOnly: true});
    try {
      return (db.prepare('SELECT count(*) AS n FROM mms_locks').get() as {n: number}).n > 0;
    } finally {
      db.close();
    }
  } catch {
    return false; // not created yet
  }
}

test('kill -9 at random moments of a long backfill: the file stays intact, holds whole pages only, and the next run converges to an uninterrupted one', async (t) => {
  const dataset = syntheticDataset(11);
  const reference = await simulatedProject(t, {dataset, config: hourly});
  t.is((await reference.mms(['ingest'], NOW)).code, 0);
  const expected = contents(t, reference.dir);
  t.is(expected.records.length, BARS);

  const project = await simulatedProject(t, {dataset, config: hourly});
  await project.mms(['--version'], NOW); // the simulator's clock
  let kills = 0;
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'ingest'], {
      cwd: project.dir,
      env: {PATH: process.env.PATH, TZ: process.env.TZ, CI: 'true', MMS_NOW: NOW},
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the run is writing (its lock row is in the file), at a random moment of the next 300 ms.
    for (let i = 0; i < 1000 && !(await locked(project.dir)); i++) await sleep(10);
    await sleep(Math.random() * 300);
    child.kill('SIGKILL');
    if ((await exit) !== null) break; // finished before the kill: the last round below checks the result
    kills++;
    const after = contents(t, project.dir);
    t.is(after.integrity, 'ok');
    // Records are written a page per transaction: what is stored is the series up to the end of a page.
    t.deepEqual(after.records, expected.records.slice(0, after.records.length), 'a prefix of the complete series, every record exact');
    const n = after.records.length;
    t.true(
      n === 0 || n === BARS || (n + LOOKBACK) % PAGE === 0,
      `${n} records end a page of ${PAGE} (the first page starts ${LOOKBACK} bars of look-back early)`,
    );
  }
  t.true(kills >= 2, `killed ${kills} time(s) before the run could finish`);
  // The run after a crash is a new process, as it is for real.
  const next = await project.mmsProcess(['ingest'], NOW);
  t.is(next.code, 0, next.stderr);
  t.deepEqual(contents(t, project.dir), expected, 'the records and the ledger of a run never interrupted; no lock left');
});

test('mms serve answers from the store while mms ingest and mms retry write it: no 5xx, and the data only moves forward', async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'fail-pair', pair: 'BRLETH'}],
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, chunkSize: 5, retry: {limit: 1, baseDelayMs: 10, maxDelayMs: 50}},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  const store = await servedStore(t, {project: {dir: project.dir, configPath: project.configPath, dataPath: join(project.dir, 'data', 'mms.db')}});
  const server = await store.serve({refreshSeconds: 1});
  const statuses = new Map<number, number>();
  const newest: Record<string, number> = {BRLBTC: 0, BRLETH: 0};
  let backwards = 0;
  let writing = true;
  const poll = (async () => {
    while (writing) {
      for (const pair of ['BRLBTC', 'BRLETH']) {
        const response = await fetch(`${server.url}/${pair}/mms?from=1619481600&range=20`);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status !== 200) continue;
        const answer = (await response.json()) as Array<{timestamp: number}>;
        const last = answer.at(-1)?.timestamp ?? 0;
        if (last < newest[pair]!) backwards++;
        newest[pair] = Math.max(newest[pair]!, last);
      }
    }
  })();
  // BRLBTC is written in 73 transactions of 5 days; BRLETH fails and is queued, then retry writes it.
  t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 3);
  project.setFaults([]);
  const retry = await project.mms(['retry'], '2022-04-27T12:00:00Z');
  t.is(retry.code, 0, retry.stderr);
  await sleep(1500); // a last reload
  writing = false;
  await poll;
  t.log(Object.fromEntries(statuses));
  t.deepEqual(
    [...statuses.keys()].filter((status) => status >= 500),
    [],
    'no 5xx',
  );
  t.true((statuses.get(200) ?? 0) > 10, 'the server answered throughout');
  t.is(backwards, 0, 'no answer went back to older data than one before it');
  t.deepEqual(newest, {BRLBTC: 1650931200, BRLETH: 1650931200}, 'the last answers show the newest day of both pairs');
  t.notRegex(server.stderr(), /SQLITE_BUSY|database is locked/);
});

/** Resolves once the store's mms_locks table holds exactly `n` rows at one instant. */
async function seeLockRows(dir: string, n: number): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    try {
      const db = new DatabaseSync(join(dir, 'data', 'mms.db'), {readOnly: true});
      const rows = (db.prepare('SELECT count(*) AS n FROM mms_locks').get() as {n: number}).n;
      db.close();
      if (rows === n) return true;
    } catch {
      // not created yet
    }
    await sleep(25);
  }
  return false;
}

test('disjoint --shard workers write one SQLite file at once, and a second run of a pair being written exits 5 naming its holder', async (t) => {
  const reference = await simulatedProject(t);
  t.is((await reference.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  const project = await simulatedProject(t, {
    // Every request held this long, so the runs overlap for seconds whatever the machine's load.
    faults: [{type: 'slow', delayMs: 2500}],
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, timeoutMs: 60_000},
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  // Processes, since they run at once; the second run too: in this process it could wait its turn behind
  // another test's run until the workers are done.
  const workers = [0, 1, 2].map((i) => project.mmsProcess(['ingest', '--shard', `${i}/3`, '--json'], '2022-04-27T12:00:00Z'));
  t.true(await seeLockRows(project.dir, 2), 'both pairs locked at once, by two processes');
  const second = await project.mmsProcess(['ingest', '--pairs', 'BRLBTC'], '2022-04-27T12:00:00Z');
  t.is(second.code, 5, second.stderr);
  t.regex(second.stderr, /pair BRLBTC of sqlite sink .*mms\.db is in use by another mms run \(`mms ingest`, pid \d+ on /);
  for (const run of await Promise.all(workers)) t.is(run.code, 0, run.stderr);
  t.deepEqual(sqliteRecords(join(project.dir, 'data', 'mms.db')), await reference.records(), 'the same records as one run of both pairs');
  t.true(await seeLockRows(project.dir, 0), 'every lock released');
});

test('mms ingest on a path holding a JSON file exits 4 with one line naming it, fetches nothing and leaves the file as it was', async (t) => {
  const project = await simulatedProject(t, {
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}, sink: {use: 'sqlite', path: 'data/mms.db'}}),
  });
  await mkdir(join(project.dir, 'data'));
  const json = '[{"pair":"BRLBTC","timestamp":1650931200,"close":191411.11707}]\n';
  await writeFile(join(project.dir, 'data', 'mms.db'), json);
  const run = await project.mms(['ingest'], '2022-04-27T12:00:00Z');
  t.is(run.code, 4);
  t.is(run.stderr.trim().split('\n').length, 1, run.stderr);
  t.regex(
    run.stderr,
    /^Error: sqlite: .*data\/mms\.db is not an SQLite database .* it was not modified\. Move it away, or point the sink's path at an mms database file\.$/m,
  );
  t.is(project.requests(), 0, 'nothing was fetched');
  t.is(await readFile(join(project.dir, 'data', 'mms.db'), 'utf8'), json);
});
