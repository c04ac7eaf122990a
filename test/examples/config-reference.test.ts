import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {BUNDLED_PLUGINS} from '../../src/container/bundled-plugins.js';
import {configReference, referenceRows} from '../../src/container/config-reference.js';
import {configSchema} from '../../src/config/config-schema.js';
import {ROOT} from '../helpers/run-cli.js';

test('docs/configuration.md is what the config schemas generate (run `npm run docs` after changing a schema)', async (t) => {
  t.is(await readFile(join(ROOT, 'docs', 'configuration.md'), 'utf8'), configReference());
});

test('every key of the config and of every bundled plugin has a description in its schema', (t) => {
  const undescribed = [
    ...referenceRows(configSchema).map((row) => ({...row, where: 'config'})),
    ...BUNDLED_PLUGINS.flatMap((manifest) => referenceRows(manifest.configSchema).map((row) => ({...row, where: manifest.name}))),
  ].filter((row) => !row.description);
  t.deepEqual(
    undescribed.map((row) => `${row.where}: ${row.key}`),
    [],
  );
  t.true(referenceRows(configSchema).length >= 8, 'the top-level keys are found');
});
