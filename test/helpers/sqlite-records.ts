import {DatabaseSync} from 'node:sqlite';
import type {MmsRecord} from '../../src/core/contracts/record.js';

/** The records of an sqlite store, by pair then time, read as a user's tool reads them (read-only). */
export function sqliteRecords(path: string): MmsRecord[] {
  const db = new DatabaseSync(path, {readOnly: true});
  try {
    return db
      .prepare('SELECT * FROM records ORDER BY pair, timestamp')
      .all()
      .map((row) => ({...row}) as MmsRecord);
  } finally {
    db.close();
  }
}
