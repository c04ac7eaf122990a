import {resolve} from 'node:path';
import {definePlugin} from '../../src/index.js';
import {jsonFileConfigSchema} from './config-schema.js';
import {JsonFileSink} from './json-file-sink.js';

export default definePlugin({
  name: 'json-file',
  kind: 'sink',
  description: 'A JSON array of records in one file, written atomically (the default sink)',
  configSchema: jsonFileConfigSchema,
  create({config, configDir}) {
    const path = resolve(configDir, config.path);
    return new JsonFileSink(path, resolve(configDir, config.state ?? path.replace(/(\.json)?$/, '.state.json')));
  },
});
