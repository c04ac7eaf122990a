import {SqliteSink} from '../../../plugins/sqlite/sqlite-sink.js';

/** Opens an SqliteSink on `path` (a worker thread's entry: see test/helpers/worker-sink.ts). */
export default function openSqliteSink({path, busyTimeoutMs = 10_000}: {path: string; busyTimeoutMs?: number}): SqliteSink {
  return new SqliteSink({path, busyTimeoutMs, resolution: '1d', configKey: 'sink.path'});
}
