import {randomUUID} from 'node:crypto';
import type {Collection, Document} from 'mongodb';
import type {LockOwner, ReleaseLock} from '../../src/core/contracts/state-store.js';
import {lockedError} from '../../src/core/state/file-lock.js';
import {LOCK_HEARTBEAT_MS, lockIsStale} from '../../src/core/state/lock-holder.js';

const LOCK_ID = 'lock';
const DUPLICATE_KEY = 11_000;

interface LockDocument extends LockOwner {
  readonly token: string;
  readonly heartbeatAt: Date;
}

/**
 * The run lock as a document with a fixed _id in the state collection: inserting it is atomic (a second
 * insert fails with a duplicate key), a heartbeat keeps it fresh, and a stale one is replaced only if it
 * is still the very lock that was judged stale (matched on its token).
 */
export async function acquireMongodbLock(collection: Collection<Document>, owner: LockOwner, what: string): Promise<ReleaseLock> {
  const token = randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await collection.insertOne({_id: LOCK_ID as never, ...owner, token, heartbeatAt: new Date()});
      const heartbeat = setInterval(() => {
        collection.updateOne({_id: LOCK_ID as never, token}, {$set: {heartbeatAt: new Date()}}).catch(() => undefined);
      }, LOCK_HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        await collection.deleteOne({_id: LOCK_ID as never, token});
      };
    } catch (error) {
      if ((error as {code?: number}).code !== DUPLICATE_KEY) throw error;
    }
    const holder = (await collection.findOne({_id: LOCK_ID as never})) as unknown as LockDocument | null;
    if (!holder) continue;
    if (!lockIsStale(holder, Date.now() - new Date(holder.heartbeatAt).getTime())) {
      throw lockedError(what, holder, 'lock document: {_id: "lock"} in the state collection');
    }
    await collection.deleteOne({_id: LOCK_ID as never, token: holder.token});
  }
  throw lockedError(what, undefined, 'the lock document keeps changing hands; try again');
}
