import type {DatabaseSync} from 'node:sqlite';

/**
 * Runs `work` in one write transaction: all of it is committed or none. IMMEDIATE takes the write lock
 * at the start, so a second writer waits (the busy timeout) there rather than failing halfway through.
 * `onRollback` runs after a rollback, for what the caller keeps of the schema (a column added, then undone).
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T, onRollback?: () => void): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) {
      db.exec('ROLLBACK');
      onRollback?.();
    }
    throw error;
  }
}
