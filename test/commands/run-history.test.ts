import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import test from 'ava';
import {simulatedProject} from '../helpers/simulated-project.js';

test('every run that writes the store is recorded in it, ended with its outcome, exit code, counts and error', async (t) => {
  const project = await simulatedProject(t, {
    config: (url) => ({
      pairs: ['BRLBTC', 'BRLETH'],
      source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: `${url}/api/v4`, minIntervalMs: 0, retry: {limit: 1, baseDelayMs: 10, maxDelayMs: 10}},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'sqlite', path: 'data/mms.db'},
    }),
  });
  t.is((await project.mms(['ingest'], '2022-04-25T12:00:00Z')).code, 0);
  project.setFaults([{type: 'fail-pair', pair: 'BRLETH'}]);
  t.is((await project.mms(['ingest', '--pairs', 'BRLBTC,BRLETH'], '2022-04-27T12:00:00Z')).code, 3);
  project.setFaults([]);
  t.is((await project.mms(['retry'], '2022-04-27T12:00:00Z')).code, 0);
  t.is((await project.mms(['recompute', '--dry-run'], '2022-04-27T12:00:00Z')).code, 0, 'a dry run writes nothing, and is not recorded');
  t.is((await project.mms(['recompute'], '2022-04-27T12:00:00Z')).code, 0);

  const db = new DatabaseSync(join(project.dir, 'data', 'mms.db'), {readOnly: true});
  t.teardown(() => db.close());
  const runs = db.prepare('SELECT command, args, pairs, outcome, exit_code, written, requests, error, ended_at FROM mms_runs ORDER BY started_at, id').all();
  t.like(runs, [
    {command: 'ingest', args: '[]', pairs: '["BRLBTC","BRLETH"]', outcome: 'ok', exit_code: 0, written: 730, requests: 4, error: null},
    {command: 'ingest', args: '["--pairs","BRLBTC,BRLETH"]', outcome: 'partial', exit_code: 3, written: 2},
    {command: 'retry', outcome: 'ok', exit_code: 0, written: 2},
    {command: 'recompute', outcome: 'ok', exit_code: 0, written: 0},
  ]);
  t.is(runs.length, 4);
  t.regex(String(runs[1]!.error), /^BRLETH 2022-04-25\.\.2022-04-26: /, 'the partial run names what failed');
  t.true(runs.every((r) => typeof r.ended_at === 'string'));
});

test('a run that fails with an error is recorded as failed, with its exit code and message', async (t) => {
  const project = await simulatedProject(t);
  await mkdir(join(project.dir, 'data'), {recursive: true});
  await writeFile(project.dataPath, '{"not": "an array"}');
  const run = await project.mms(['ingest'], '2022-04-27T12:00:00Z');
  t.is(run.code, 4);
  // The store itself cannot be read (nor `mms status` on it): the history is in the state file beside it.
  const state = JSON.parse(await readFile(join(project.dir, 'data', 'mms.state.json'), 'utf8')) as {runs: Array<Record<string, unknown>>};
  const [last] = state.runs;
  t.like(last, {command: 'ingest', outcome: 'failed', exitCode: 4});
  t.regex(String(last!.error), /mms\.json/);
  t.truthy(last!.endedAt);
});
