import {join} from 'node:path';
import test from 'ava';
import {loadConfig} from '../../src/config/load-config.js';
import {buildContainer, closeContainer} from '../../src/container/build-container.js';
import {BUNDLED_DEFAULTS} from '../../src/container/bundled-plugins.js';
import {stderrLogger} from '../../src/logger/stderr-logger.js';
import {ROOT} from '../helpers/run-cli.js';

// Configs shown to users must stay valid: each is loaded and every plugin entry validated and built.
for (const file of ['mms.config.ts', 'examples/offline/mms.config.ts', 'examples/mongodb/mms.config.ts']) {
  test(`${file} loads and validates`, async (t) => {
    const config = await loadConfig({cwd: ROOT, configPath: join(ROOT, file), defaults: BUNDLED_DEFAULTS});
    const container = await buildContainer({config, clock: {now: Date.now}, logger: stderrLogger('silent')});
    t.teardown(() => closeContainer(container));
    t.deepEqual(config.pairs, ['BRLBTC', 'BRLETH']);
    t.deepEqual(config.transforms, [{use: 'sma', windows: [20, 50, 200]}]);
  });
}
