import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {loadConfig} from '../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {exampleProject} from '../helpers/example-project.js';
import {startMockMongodb} from '../helpers/mock-mongodb.js';
import {runCli} from '../helpers/run-cli.js';

const NOW = '2022-04-27T22:02:04Z';

// The production config (json-file) and examples/mongodb/mms.config.ts, run as shipped — only the
// environment they read points them at the simulator (MMS_MB_BASE_URL) and the mock MongoDB (MMS_MONGODB_URL).
test('the json-file config and examples/mongodb, which differ only in their sink, store the same records', async (t) => {
  const simulator = await startSimulator({dataset: recordedDataset(), now: () => Date.parse(NOW)});
  t.teardown(() => simulator.close());
  const mongo = await startMockMongodb(t);
  const env = {MMS_NOW: NOW, MMS_MB_BASE_URL: `${simulator.url}/api/v4`, MMS_MONGODB_URL: mongo.url};
  const jsonProject = await exampleProject(t, ['mms.config.ts'], []);
  const mongoProject = await exampleProject(t, ['examples/mongodb/mms.config.ts'], []);

  // The swap is by config only: apart from the sink, both files resolve to the same pipeline. (The configs
  // read the environment when imported; this file's one test owns its worker's process.env.)
  Object.assign(process.env, env);
  const [jsonConfig, mongoConfig] = await Promise.all(
    [jsonProject, mongoProject].map(async (dir) => {
      const {file: _file, dir: _dir, sink, ...rest} = await loadConfig({cwd: dir, configPath: join(dir, 'mms.config.ts'), defaults: BUNDLED_DEFAULTS});
      return {sink, rest};
    }),
  );
  t.deepEqual(mongoConfig!.rest, jsonConfig!.rest);
  t.deepEqual([jsonConfig!.sink.use, mongoConfig!.sink.use], ['json-file', 'mongodb']);

  const viaJson = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: jsonProject, env});
  t.is(viaJson.code, 0, viaJson.stderr);
  const viaMongo = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: mongoProject, env});
  t.is(viaMongo.code, 0, viaMongo.stderr);
  t.is(viaMongo.stdout, viaJson.stdout, 'both runs report the same writes');

  const fromJson = JSON.parse(await readFile(join(jsonProject, 'data', 'mms.json'), 'utf8')) as Array<Record<string, unknown>>;
  t.is(fromJson.length, 730);
  // MongoDB adds its _id and a BSON date beside the record; the record itself must be the same.
  const fromMongo = mongo.documents('mms', 'mms').map(({_id, date, ...record}) => record);
  t.deepEqual(fromMongo, fromJson);
});
