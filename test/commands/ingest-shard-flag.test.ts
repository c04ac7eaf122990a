import {access, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCommand} from '../helpers/run-command.js';
import {tempDir} from '../helpers/temp-dir.js';

/**
 * A sink that notes in `opened.log` every time mms builds it: what "touching the store" means for any sink
 * (opening a file, connecting to a database, taking a lock all happen from there on).
 */
const SPY_SINK = `import {appendFileSync} from 'node:fs';
import {join} from 'node:path';
export default {
  name: 'spy', kind: 'sink', description: 'notes when it is built',
  configSchema: {'~standard': {version: 1, vendor: 'test', validate: (value) => ({value})}},
  create({configDir}) {
    appendFileSync(join(configDir, 'opened.log'), 'opened\\n');
    return {name: 'spy', upsert: async () => {}, latestTimestamp: async () => undefined, readRange: async () => [], listTimestamps: async () => []};
  },
};
`;

async function spyProject(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'spy-sink.mjs'), SPY_SINK);
  // The source is never called: a bad --shard stops the run first, and the control run is a dry run.
  await writeFile(
    join(dir, 'mms.config.json'),
    JSON.stringify({plugins: ['./spy-sink.mjs'], source: {use: 'mercado-bitcoin', baseUrl: 'http://127.0.0.1:9/api/v4'}, sink: {use: 'spy'}}),
  );
  return dir;
}

for (const shard of ['4/4', '1/0', 'x', '0/2/1']) {
  test(`ingest --shard ${shard} is a usage error (exit 2) before the sink is built`, async (t) => {
    const dir = await spyProject(t);
    const run = await runCommand(['ingest', '--shard', shard], {cwd: dir, env: {MMS_NOW: '2022-04-27T12:00:00Z'}});
    t.is(run.code, 2, run.stderr);
    t.regex(run.stderr, /--shard: expected i\/n with 0 <= i < n/);
    await t.throwsAsync(access(join(dir, 'opened.log')), {code: 'ENOENT'}, 'the sink was never built');
  });
}

test('with a valid --shard the same config builds its sink (the spy can see it)', async (t) => {
  const dir = await spyProject(t);
  const run = await runCommand(['ingest', '--shard', '0/1', '--dry-run'], {cwd: dir, env: {MMS_NOW: '2022-04-27T12:00:00Z'}});
  t.is(run.code, 0, run.stderr);
  t.is(await readFile(join(dir, 'opened.log'), 'utf8'), 'opened\n');
});
