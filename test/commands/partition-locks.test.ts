import {readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {type MockMongodb, startMockMongodb} from '../helpers/mock-mongodb.js';
import type {Fault} from '../../simulator/fault-plan.js';
import {simulatedProject} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';
// Every request held this long, so the runs below overlap for seconds whatever the machine's load.
const SLOW = {type: 'slow', delayMs: 2500} as const;

const lockIds = (mongo: MockMongodb) =>
  mongo
    .documents('mms', 'mms_state')
    .map((d) => String(d._id))
    .filter((id) => id.startsWith('lock:'))
    .sort();

/** Resolves once the store holds exactly these lock documents at one instant. */
async function seeLocks(mongo: MockMongodb, ids: readonly string[]): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (JSON.stringify(lockIds(mongo)) === JSON.stringify(ids)) return true;
    await sleep(25);
  }
  return false;
}

async function mongoProject(t: Parameters<typeof simulatedProject>[0], mongo: MockMongodb, faults: readonly Fault[] = [SLOW]) {
  return simulatedProject(t, {
    faults,
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0, timeoutMs: 60_000},
      sink: {use: 'mongodb', url: mongo.url, database: 'mms', collection: 'mms'},
    }),
  });
}

const stored = (mongo: MockMongodb) =>
  mongo
    .documents('mms', 'mms')
    .map(({_id, date, ...record}) => record)
    // Parallel writers interleave their inserts; the JSON file is sorted by pair, then time.
    .sort((a, b) => String(a.pair).localeCompare(String(b.pair)) || (a.timestamp as number) - (b.timestamp as number));

test('the shards of an Indexed Job run in parallel against one MongoDB: each locks only its pairs', async (t) => {
  const mongo = await startMockMongodb(t);
  const reference = await simulatedProject(t);
  t.is((await reference.mms(['ingest'], NOW)).code, 0);
  const project = await mongoProject(t, mongo);
  // Three workers, as `completions: 3`: with these two pairs one share is empty, the others one pair each.
  // Processes, since they run at once (runs in this process take turns).
  const workers = [0, 1, 2].map((i) => project.mmsProcess(['ingest', '--shard', `${i}/3`, '--json'], NOW));
  t.true(await seeLocks(mongo, ['lock:BRLBTC', 'lock:BRLETH']), `both pairs locked at once by two processes; saw ${lockIds(mongo).join(', ')}`);
  const runs = await Promise.all(workers);
  for (const run of runs) t.is(run.code, 0, run.stderr);
  const shares = runs.map((run) => (JSON.parse(run.stdout) as {pairs: Array<{pair: string}>}).pairs.map((p) => p.pair));
  t.deepEqual(shares.flat().sort(), ['BRLBTC', 'BRLETH']);
  t.true(shares.filter((share) => share.length > 0).length === 2, `two workers wrote: ${JSON.stringify(shares)}`);
  t.deepEqual(lockIds(mongo), [], 'every lock released');
  t.deepEqual(stored(mongo), await reference.records());
});

test('a second run of a pair that is being written refuses with exit 5, while a run of another pair proceeds', async (t) => {
  const mongo = await startMockMongodb(t);
  // Only the first request — the first run's, a process — hangs: the runs after it, in this process, go at
  // full speed (well under a second, even on a loaded machine), so the first still holds BRLBTC when they are done.
  const project = await mongoProject(t, mongo, [{type: 'slow', delayMs: 12_000, requests: 1}]);
  let firstDone = false;
  const first = project.mmsProcess(['ingest', '--pairs', 'BRLBTC'], NOW).finally(() => (firstDone = true));
  t.true(await seeLocks(mongo, ['lock:BRLBTC']), 'the first run holds its lock');
  const same = await project.mms(['ingest', '--pairs', 'BRLBTC,BRLETH'], NOW);
  t.is(same.code, 5, same.stderr);
  t.regex(same.stderr, /pair BRLBTC of mongodb sink .* is in use by another mms run \(`mms ingest`, pid \d+/);
  t.deepEqual(lockIds(mongo), ['lock:BRLBTC'], 'the refused run left no lock of BRLETH behind');
  t.false(
    stored(mongo).some((r) => r.pair === 'BRLETH'),
    'the refused run wrote nothing',
  );
  const other = await project.mms(['ingest', '--pairs', 'BRLETH'], NOW);
  t.is(other.code, 0, other.stderr);
  t.false(firstDone, 'BRLETH was written while the run of BRLBTC still held its lock');
  t.deepEqual(lockIds(mongo), ['lock:BRLBTC']);
  const done = await first;
  t.is(done.code, 0, done.stderr);
  const pairs = stored(mongo).map((r) => r.pair);
  t.deepEqual([pairs.filter((p) => p === 'BRLBTC').length, pairs.filter((p) => p === 'BRLETH').length], [365, 365]);
});

test('a run whose lock was taken over while it was stalled stops before writing again, exit 5, and leaves the new holder its lock', async (t) => {
  // The first request hangs: the run holds its lock and has written nothing yet.
  const project = await simulatedProject(t, {faults: [{type: 'slow', delayMs: 4000, requests: 1}]});
  const lockPath = join(project.dir, 'data', 'mms.json.lock');
  // A process: stalled for seconds, a run in this process would keep the other tests' runs waiting their turn.
  const run = project.mmsProcess(['ingest'], NOW);
  let taken = false;
  for (let i = 0; i < 400 && !taken; i++) {
    taken = await readFile(lockPath, 'utf8').then(
      (text) => text.includes('"token"'),
      () => false,
    );
    if (!taken) await sleep(25);
  }
  t.true(taken, 'the run took its lock');
  // What a run that judged it dead does: remove the stale lock and create its own (a new file).
  const taker = JSON.stringify({pid: 1, host: 'elsewhere', command: 'mms ingest', startedAt: '2022-04-27T12:00:00Z', token: 'theirs'});
  await rm(lockPath);
  await writeFile(lockPath, taker);
  const result = await run;
  t.is(result.code, 5, result.stderr);
  t.regex(result.stderr, /BRLBTC: another mms run took over this run's lock .* stopped before writing again/);
  await t.throwsAsync(readFile(project.dataPath, 'utf8'), {code: 'ENOENT'}, 'nothing written after the takeover');
  t.is(await readFile(lockPath, 'utf8'), taker, 'the new holder keeps its lock');
});
