import {join} from 'node:path';
import test from 'ava';
import {JsonFileSink} from '../../../plugins/json-file/json-file-sink.js';
import {sinkConformance} from '../../../src/testing/sink-conformance.js';
import {tempDir} from '../../helpers/temp-dir.js';

// One writer at a time (its lock guarantees it), so no concurrent-writer test.
sinkConformance(test, 'json-file', {create: async (t) => new JsonFileSink(join(await tempDir(t), 'data', 'mms.json')), locksWholeStore: true});
