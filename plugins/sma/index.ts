import {definePlugin} from '../../src/index.js';
import {smaConfigSchema} from './config-schema.js';
import {SmaTransform} from './sma-transform.js';

export default definePlugin({
  name: 'sma',
  kind: 'transform',
  description: 'Simple moving averages of the close (mms_<n> for each window n, the current bar included)',
  configSchema: smaConfigSchema,
  create: ({config}) => new SmaTransform(config.windows),
});
