import {resolve} from 'node:path';
import {ConfigError, definePlugin} from '../../src/index.js';
import {jsonFileConfigSchema} from './config-schema.js';
import {JsonFileSink} from './json-file-sink.js';

export default definePlugin({
  name: 'json-file',
  kind: 'sink',
  description: 'A JSON array of records in one file, rewritten atomically: human-readable, for small daily series',
  configSchema: jsonFileConfigSchema,
  create({config, configDir, configPath}) {
    const path = resolve(configDir, config.path);
    const statePath = resolve(configDir, config.state ?? path.replace(/(\.json)?$/, '.state.json'));
    // Only here are both resolved against the config file's directory, so only here is sameness known.
    if (statePath === path) {
      throw new ConfigError(
        `${configPath}.state ${JSON.stringify(config.state)} and ${configPath}.path ${JSON.stringify(config.path)} are the same file, ${path}; ` +
          'the run state needs a file of its own. Leave "state" out to keep it beside the data, or name another file.',
      );
    }
    return new JsonFileSink(path, statePath);
  },
});
