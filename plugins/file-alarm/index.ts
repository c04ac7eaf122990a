import {resolve} from 'node:path';
import {z} from 'zod';
import {AlarmError, definePlugin} from '../../src/index.js';
import {writeFileAtomic} from '../../src/plugin-kit.js';

export default definePlugin({
  name: 'file',
  kind: 'alarm',
  description: 'Writes the gap report as JSON to a file (replaced atomically on every alarm)',
  configSchema: z.strictObject({
    path: z
      .string({error: 'expected a file path'})
      .min(1, {error: 'expected a file path'})
      .default('data/gaps.json')
      .meta({description: "Where the JSON report is written (replaced atomically), relative to the config file's directory."}),
  }),
  create({config, configDir}) {
    const path = resolve(configDir, config.path);
    return {
      name: 'file',
      async fire(report) {
        try {
          await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
        } catch (error) {
          throw new AlarmError(`file alarm: cannot write ${path} (${(error as Error).message}).`, {cause: error});
        }
      },
    };
  },
});
