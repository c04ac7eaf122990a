import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {simulatedProject} from '../helpers/simulated-project.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const NOW = '2022-04-27T12:00:00Z';
const transforms = [{use: 'sma', windows: [20, 50, 200]}];

test('mms copy moves a JSON-file store into SQLite and back: identical records, exit 0, a count per pair', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  await writeFile(join(project.dir, 'sqlite.config.json'), JSON.stringify({transforms, sink: {use: 'sqlite', path: 'data/copy.db'}}));
  await writeFile(join(project.dir, 'back.config.json'), JSON.stringify({transforms, sink: {use: 'json-file', path: 'data/back.json'}}));

  const there = await project.mms(['copy', '--to', 'sqlite.config.json'], NOW);
  t.is(there.code, 0, there.stderr);
  t.regex(there.stdout, /^BRLBTC {2}copied 365 record\(s\) 2021-04-27\.\.2022-04-26, 0 pending window\(s\), 0 source hole\(s\); the target holds 365 of 365$/m);
  const back = await project.mms(['copy', '--config', 'sqlite.config.json', '--to', 'back.config.json', '--json'], NOW);
  t.is(back.code, 0, back.stderr);
  t.like(JSON.parse(back.stdout), {
    ok: true,
    dryRun: false,
    resolution: '1d',
    pairs: [
      {pair: 'BRLBTC', records: 365, inTarget: 365},
      {pair: 'BRLETH', records: 365, inTarget: 365},
    ],
  });

  const original = await project.records();
  t.deepEqual(sqliteRecords(join(project.dir, 'data', 'copy.db')), original);
  t.is(await readFile(join(project.dir, 'data', 'back.json'), 'utf8'), await project.rawData(), 'the JSON file copied back is byte for byte the original');
});

test('mms copy into a config with other windows exits 2 naming what differs, and creates nothing', async (t) => {
  const project = await simulatedProject(t);
  await writeFile(
    join(project.dir, 'other.config.json'),
    JSON.stringify({transforms: [{use: 'sma', windows: [7, 30]}], sink: {use: 'sqlite', path: 'data/other.db'}}),
  );
  const run = await project.mms(['copy', '--to', 'other.config.json'], NOW);
  t.is(run.code, 2, run.stderr);
  t.regex(run.stderr, /^Error: the two stores hold different records.*only in the source: mms_20, mms_200, mms_50; only in the target: mms_30, mms_7\)/m);
  t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
  await t.throwsAsync(readFile(join(project.dir, 'data', 'other.db')));
});
