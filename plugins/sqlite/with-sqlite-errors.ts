import {isMmsError} from '../../src/index.js';
import {describeSqliteError} from './describe-sqlite-error.js';

/**
 * Runs `work` on the store at `path`; an SQLite error becomes a SinkError naming the file, `action` and
 * what to do, while an mms error (a store refused on opening: exit 2 or 4) passes through as it is.
 */
export function withSqliteErrors<T>(path: string, action: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isMmsError(error)) throw error;
    throw describeSqliteError(error, path, action);
  }
}
