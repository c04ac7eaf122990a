import {join} from 'node:path';
import test from 'ava';
import type {SqliteSink} from '../../../plugins/sqlite/sqlite-sink.js';
import {sinkConformance} from '../../../src/testing/sink-conformance.js';
import {tempDir} from '../../helpers/temp-dir.js';
import {workerSink} from '../../helpers/worker-sink.js';
import openSqliteSink from './open-sqlite-sink.js';

sinkConformance(test, 'sqlite', {
  async create(t) {
    const sink = openSqliteSink({path: join(await tempDir(t), 'data', 'mms.db')});
    t.teardown(() => sink.close());
    return sink;
  },
  // The second writer is a connection in another thread, so the two really write at once and meet
  // SQLite's write lock, as two processes (shards, `mms retry` beside `mms ingest`) do.
  reopen: async (t, sink) => workerSink(t, new URL('./open-sqlite-sink.ts', import.meta.url), {path: (sink as SqliteSink).path}),
});
