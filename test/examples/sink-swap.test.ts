import {join} from 'node:path';
import test from 'ava';
import {loadConfig} from '../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {startSimulator} from '../../simulator/start-simulator.js';
import {exampleProject} from '../helpers/example-project.js';
import {startMockMongodb} from '../helpers/mock-mongodb.js';
import {runCli} from '../helpers/run-cli.js';
import {sqliteRecords} from '../helpers/sqlite-records.js';

const NOW = '2022-04-27T22:02:04Z';

// The production config (sqlite) and examples/mongodb/mms.config.ts, run as shipped — only the
// environment they read points them at the simulator (MMS_MB_BASE_URL) and the mock MongoDB (MMS_MONGODB_URL).
test('the production config (sqlite) and examples/mongodb, which differ only in their sink, store the same records', async (t) => {
  const simulator = await startSimulator({dataset: recordedDataset(), now: () => Date.parse(NOW)});
  t.teardown(() => simulator.close());
  const mongo = await startMockMongodb(t);
  const env = {MMS_NOW: NOW, MMS_MB_BASE_URL: `${simulator.url}/api/v4`, MMS_MONGODB_URL: mongo.url};
  const sqliteProject = await exampleProject(t, ['mms.config.ts'], []);
  const mongoProject = await exampleProject(t, ['examples/mongodb/mms.config.ts'], []);

  // The swap is by config only: apart from the sink, both files resolve to the same pipeline. (The configs
  // read the environment when imported; this file's one test owns its worker's process.env.)
  Object.assign(process.env, env);
  const [sqliteConfig, mongoConfig] = await Promise.all(
    [sqliteProject, mongoProject].map(async (dir) => {
      const {file: _file, dir: _dir, sink, ...rest} = await loadConfig({cwd: dir, configPath: join(dir, 'mms.config.ts'), defaults: BUNDLED_DEFAULTS});
      return {sink, rest};
    }),
  );
  t.deepEqual(mongoConfig!.rest, sqliteConfig!.rest);
  t.deepEqual([sqliteConfig!.sink.use, mongoConfig!.sink.use], ['sqlite', 'mongodb']);

  const viaSqlite = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: sqliteProject, env});
  t.is(viaSqlite.code, 0, viaSqlite.stderr);
  const viaMongo = await runCli(['ingest', '--config', 'mms.config.ts'], {cwd: mongoProject, env});
  t.is(viaMongo.code, 0, viaMongo.stderr);
  t.is(viaMongo.stdout, viaSqlite.stdout, 'both runs report the same writes');

  const fromSqlite = sqliteRecords(join(sqliteProject, 'data', 'mms.db'));
  t.is(fromSqlite.length, 730);
  // MongoDB adds its _id and a BSON date beside the record; the record itself must be the same.
  const fromMongo = mongo.documents('mms', 'mms').map(({_id, date, ...record}) => record);
  t.deepEqual(fromMongo, fromSqlite);
});
