import {SinkError} from '../../src/index.js';

/** SQLite's primary result codes that a user can act on (extended codes carry them in the low byte). */
const HINTS: Record<number, string> = {
  5: 'another process kept the database busy for longer than sink.busyTimeoutMs; try again, or raise it',
  6: 'another connection holds a table lock; try again',
  8: 'the file or its directory is read-only: SQLite needs to write the file and, beside it, its -wal and -shm files',
  10: 'the disk failed to read or write; check the file system',
  11: 'the file is damaged: restore it from a backup, or move it away and load again (`mms ingest` refetches)',
  13: 'the disk is full',
  14: 'check that the file and its directory exist and are writable (SQLite also writes -wal and -shm files beside it)',
  23: 'check the permissions of the file and its directory',
  26: "the file is not an SQLite database: move it away, or point the sink's path at an mms database file",
};

/** A SinkError naming the file, what failed and, for the errors a user can fix, how. */
export function describeSqliteError(error: unknown, path: string, action: string): SinkError {
  const {errcode, errstr, message} = error as {errcode?: number; errstr?: string; message?: string};
  const hint = errcode === undefined ? undefined : HINTS[errcode & 0xff];
  const reason = errstr && message && !message.includes(errstr) ? `${message}: ${errstr}` : (message ?? String(error));
  return new SinkError(`sqlite: cannot ${action} in ${path} (${reason})${hint ? `; ${hint}` : ''}.`, {cause: error});
}
