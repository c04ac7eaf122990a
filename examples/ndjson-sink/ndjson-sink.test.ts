import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {sinkConformance} from 'mms';
import {NdjsonSink} from './ndjson-sink.js';

// What a plugin author does: run the exported conformance suite against their sink, one empty store per test.
sinkConformance(test, 'ndjson (example)', {
  async create(t) {
    const dir = await mkdtemp(join(tmpdir(), 'ndjson-sink-'));
    t.teardown(() => rm(dir, {recursive: true, force: true}));
    return new NdjsonSink(join(dir, 'mms.ndjson'));
  },
  largeBatch: 20_000,
});
