import {resolve} from 'node:path';
import {definePlugin} from '../../src/index.js';
import {sqliteConfigSchema} from './config-schema.js';
import {SqliteSink} from './sqlite-sink.js';

export default definePlugin({
  name: 'sqlite',
  kind: 'sink',
  description: 'An SQLite database file: a `records` table keyed by (pair, timestamp), with the run state beside it (the default sink)',
  configSchema: sqliteConfigSchema,
  create: ({config, configDir, configPath, resolution}) =>
    new SqliteSink({path: resolve(configDir, config.path), busyTimeoutMs: config.busyTimeoutMs, resolution, configKey: `${configPath}.path`}),
});
