import {randomUUID} from 'node:crypto';
import type {DatabaseSync} from 'node:sqlite';
import type {HeldLock, LockOwner} from '../../src/index.js';
import {LOCK_HEARTBEAT_MS, lockedError, lockIsStale} from '../../src/plugin-kit.js';
import {inTransaction} from './in-transaction.js';
import {withSqliteErrors} from './with-sqlite-errors.js';

interface LockRow {
  pair: string;
  token: string;
  pid: number;
  host: string;
  command: string;
  started_at: string;
  heartbeat_at: number;
}

/**
 * One row per pair in `mms_locks`, all of a run's pairs taken in one transaction: all or none, and runs of
 * disjoint pairs (shards) hold theirs at once. The rows share a token, kept fresh by one heartbeat; a row
 * whose holder died on this host, or whose heartbeat stopped, is taken over.
 */
export function acquireSqliteLocks(db: DatabaseSync, owner: LockOwner, pairs: readonly string[], what: string): HeldLock {
  const path = db.location() ?? what;
  const token = randomUUID();
  const run = <T>(action: string, work: () => T): T => withSqliteErrors(path, action, work);
  run('take the run locks', () =>
    inTransaction(db, () => {
      const find = db.prepare('SELECT * FROM mms_locks WHERE pair = ?');
      const insert = db.prepare('INSERT INTO mms_locks (pair, token, pid, host, command, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const pair of [...pairs].sort()) {
        const holder = find.get(pair) as LockRow | undefined;
        if (holder) {
          const holderOwner: LockOwner = {pid: holder.pid, host: holder.host, command: holder.command, startedAt: holder.started_at};
          if (!lockIsStale(holderOwner, Date.now() - holder.heartbeat_at))
            throw lockedError(`pair ${pair} of ${what}`, holderOwner, `row "${pair}" of table mms_locks in ${path}`);
          db.prepare('DELETE FROM mms_locks WHERE pair = ? AND token = ?').run(pair, holder.token);
        }
        insert.run(pair, token, owner.pid, owner.host, owner.command, owner.startedAt, Date.now());
      }
    }),
  );
  // Prepared once: held() is asked before every page a run writes.
  const beat = db.prepare('UPDATE mms_locks SET heartbeat_at = ? WHERE token = ?');
  const count = db.prepare('SELECT count(*) AS n FROM mms_locks WHERE token = ?');
  const heartbeat = setInterval(() => {
    try {
      beat.run(Date.now(), token);
    } catch {
      // A missed beat is harmless: the lock goes stale only after several, and held() is checked before writes.
    }
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  return {
    held: async () => run('check the run locks', () => (count.get(token) as {n: number}).n === pairs.length),
    release: async () => {
      clearInterval(heartbeat);
      if (db.isOpen) run('release the run locks', () => db.prepare('DELETE FROM mms_locks WHERE token = ?').run(token));
    },
  };
}
