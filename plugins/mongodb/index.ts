import {definePlugin} from '../../src/index.js';
import {mongodbConfigSchema} from './config-schema.js';
import {MongodbSink} from './mongodb-sink.js';

export default definePlugin({
  name: 'mongodb',
  kind: 'sink',
  description: 'One document per pair and day in a MongoDB collection, upserted on a unique {pair, timestamp} index',
  configSchema: mongodbConfigSchema,
  create: ({config, resolution}) => new MongodbSink(config, resolution),
});
