import {randomUUID} from 'node:crypto';
import type {Collection, Document} from 'mongodb';
import {z} from 'zod';
import type {HeldLock, LockOwner} from '../../src/index.js';
import {acquireAll, LOCK_HEARTBEAT_MS, lockedError, lockIsStale, parseHolder, unreadableLockError} from '../../src/plugin-kit.js';

const DUPLICATE_KEY = 11_000;

/**
 * A lock document as this sink writes it: the holder every lock names (`LockOwner`), the token that makes a
 * takeover safe, and the heartbeat that shows the holder alive. A document of another shape (hand-edited, or
 * written by something else) is refused as unreadable, never judged or shown by fields it lacks.
 */
const lockDocumentSchema = z.object(
  {
    pid: z.number({error: 'expected a process id'}).int({error: 'expected a process id'}).positive({error: 'expected a process id'}),
    host: z.string({error: 'expected a host name'}),
    command: z.string({error: 'expected a command'}),
    startedAt: z.string({error: 'expected a date string'}),
    token: z.string({error: 'expected a token'}),
    heartbeatAt: z.date({error: 'expected a date'}),
  },
  {error: 'expected an object naming the holder'},
) satisfies z.ZodType<LockOwner & {token: string; heartbeatAt: Date}>;

/**
 * One lock document per pair, `{_id: "lock:<pair>"}`, in the state collection: inserting it is atomic (a
 * second insert fails with a duplicate key), so runs of disjoint pairs proceed in parallel and two runs of
 * one pair never do. All of a run's locks share a token, kept fresh by one heartbeat; a stale lock is
 * replaced only if it is still the very lock that was judged stale (matched on its token).
 */
export async function acquireMongodbLocks(collection: Collection<Document>, owner: LockOwner, pairs: readonly string[], what: string): Promise<HeldLock> {
  const token = randomUUID();
  const all = await acquireAll(
    pairs,
    (pair) => pair,
    (pair) => acquireOne(collection, {owner, pair, token, what}),
  );
  const heartbeat = setInterval(() => {
    collection.updateMany({token}, {$set: {heartbeatAt: new Date()}}).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  return {
    // One query for all of them: a run checks before every write.
    held: async () => (await collection.find({token}, {projection: {_id: 1}}).toArray()).length === pairs.length,
    release: async () => {
      clearInterval(heartbeat);
      await all.release();
    },
  };
}

async function acquireOne(collection: Collection<Document>, lock: {owner: LockOwner; pair: string; token: string; what: string}): Promise<HeldLock> {
  const id = `lock:${lock.pair}`;
  const what = `pair ${lock.pair} of ${lock.what}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await collection.insertOne({_id: id as never, pair: lock.pair, ...lock.owner, token: lock.token, heartbeatAt: new Date()});
      return {
        held: async () => (await collection.findOne({_id: id as never, token: lock.token}, {projection: {_id: 1}})) !== null,
        release: async () => {
          await collection.deleteOne({_id: id as never, token: lock.token});
        },
      };
    } catch (error) {
      if ((error as {code?: number}).code !== DUPLICATE_KEY) throw error;
    }
    const found = await collection.findOne({_id: id as never});
    if (!found) continue;
    const {holder, problem} = parseHolder(lockDocumentSchema, found);
    if (problem !== undefined) {
      // Unlike a lock file's age, a document's sign of life (heartbeatAt) and the token that makes a takeover
      // safe are in the document itself: of another shape, it can be neither judged stale nor taken over.
      const document = `the lock document {_id: "${id}"} in the state collection ${collection.collectionName}`;
      const remedy = `delete it (db.${collection.collectionName}.deleteOne({_id: "${id}"})) and run again`;
      throw unreadableLockError(what, document, problem, remedy);
    }
    if (!lockIsStale(holder, Date.now() - holder.heartbeatAt.getTime())) {
      throw lockedError(what, holder, `lock document {_id: "${id}"} in the state collection`);
    }
    await collection.deleteOne({_id: id as never, token: holder.token});
  }
  throw lockedError(what, undefined, `the lock document {_id: "${id}"} keeps changing hands; try again`);
}
