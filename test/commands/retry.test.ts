import {readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {simulatedProject, type SimulatedProject} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';

/** Fast retries, so a fault is declared in well under a second. */
const source = (url: string) => ({
  use: 'mercado-bitcoin',
  baseUrl: `${url}/api/v4`,
  minIntervalMs: 0,
  timeoutMs: 30_000,
  retry: {limit: 1, baseDelayMs: 10, maxDelayMs: 100},
});

interface Entry {
  pair: string;
  from: string;
  to: string;
  status: string;
}

async function ledger(project: SimulatedProject, ...flags: string[]): Promise<Entry[]> {
  const list = await project.mms(['retry', '--list', '--json', ...flags], NOW);
  return (JSON.parse(list.stdout) as {pending: Entry[]}).pending;
}

/** A project whose first ingest failed for both pairs: two windows pending. */
async function bothQueued(t: Parameters<typeof simulatedProject>[0]) {
  const project = await simulatedProject(t, {faults: [{type: 'down'}], config: (url) => ({source: source(url)})});
  t.is((await project.mms(['ingest'], NOW)).code, 3);
  t.deepEqual((await ledger(project)).map((e) => e.pair).sort(), ['BRLBTC', 'BRLETH']);
  project.setFaults([]);
  return project;
}

test("mms retry --clear --pairs forgets only that pair's windows, and a plain retry then replays only the rest", async (t) => {
  const project = await bothQueued(t);
  const cleared = await project.mms(['retry', '--clear', '--pairs', 'BRLETH'], NOW);
  t.is(cleared.code, 0, cleared.stderr);
  t.is(cleared.stdout.trim(), 'Cleared 1 window(s) from the ledger.');
  t.deepEqual(
    (await ledger(project, '--all')).map((e) => e.pair),
    ['BRLBTC'],
    'BRLETH is gone from the ledger, resolved history included',
  );

  const retry = await project.mms(['retry', '--json'], NOW);
  t.is(retry.code, 0, retry.stderr);
  const result = JSON.parse(retry.stdout) as {replayed: Array<{pair: string}>};
  t.deepEqual(
    result.replayed.map((r) => r.pair),
    ['BRLBTC'],
    'the cleared window is not retried',
  );
  const pairs = new Set((await project.records()).map((r) => r.pair));
  t.deepEqual([...pairs], ['BRLBTC'], 'nothing was fetched for the pair given up on');
});

test('mms retry --clear without --pairs empties the ledger (--json says how many), and a second --clear has nothing left', async (t) => {
  const project = await bothQueued(t);
  const cleared = await project.mms(['retry', '--clear', '--json'], NOW);
  t.is(cleared.code, 0, cleared.stderr);
  t.deepEqual(JSON.parse(cleared.stdout), {cleared: 2});
  t.deepEqual(await ledger(project, '--all'), []);
  const state = JSON.parse(await readFile(join(project.dir, 'data', 'mms.state.json'), 'utf8')) as {failures: unknown[]};
  t.deepEqual(state.failures, [], 'the state file itself was rewritten');
  const again = await project.mms(['retry', '--clear'], NOW);
  t.is(again.code, 0);
  t.is(again.stdout.trim(), 'Cleared 0 window(s) from the ledger.');
  const retry = await project.mms(['retry'], NOW);
  t.is(retry.code, 0);
  t.is(retry.stdout.trim(), 'Nothing pending.');
});

test('mms retry --clear is a writing run: while another run holds the store it refuses with exit 5 and clears nothing', async (t) => {
  const project = await bothQueued(t);
  const statePath = join(project.dir, 'data', 'mms.state.json');
  const before = await readFile(statePath, 'utf8');
  // A fresh lock of a run on another host: respected until its heartbeat stops.
  await writeFile(`${project.dataPath}.lock`, JSON.stringify({pid: 4242, host: 'another-host', command: 'mms ingest', startedAt: '2022-04-27T11:59:00Z'}));
  const refused = await project.mms(['retry', '--clear'], NOW);
  t.is(refused.code, 5);
  t.regex(refused.stderr, /is in use by another mms run \(`mms ingest`, pid 4242 on another-host/);
  t.is(await readFile(statePath, 'utf8'), before, 'the ledger is untouched');
});

test('the json-file sink keeps its ledger where its `state` key says, relative to the config file', async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'fail-pair', pair: 'BRLETH'}],
    config: (url) => ({source: source(url), sink: {use: 'json-file', path: 'data/mms.json', state: 'ledger/queued.json'}}),
  });
  const run = await project.mms(['ingest'], NOW);
  t.is(run.code, 3, run.stderr);
  const statePath = join(project.dir, 'ledger', 'queued.json');
  const state = JSON.parse(await readFile(statePath, 'utf8')) as {version: number; failures: Array<{pair: string; status: string}>};
  t.is(state.version, 1);
  t.like(state.failures, [{pair: 'BRLETH', status: 'pending'}]);
  t.is(await stat(join(project.dir, 'data', 'mms.state.json')).catch(() => undefined), undefined, 'nothing at the default place');

  t.deepEqual(
    (await ledger(project)).map((e) => e.pair),
    ['BRLETH'],
    '--list reads the configured file',
  );
  project.setFaults([]);
  t.is((await project.mms(['retry'], NOW)).code, 0);
  t.like((JSON.parse(await readFile(statePath, 'utf8')) as typeof state).failures, [{pair: 'BRLETH', status: 'resolved'}]);
});
