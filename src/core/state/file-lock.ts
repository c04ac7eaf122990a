import {randomUUID} from 'node:crypto';
import {mkdir, open, readFile, rm, stat, utimes} from 'node:fs/promises';
import {dirname} from 'node:path';
import type {HeldLock, LockOwner} from '../contracts/state-store.js';
import {LockedError} from '../errors/locked-error.js';
import {SinkError} from '../errors/sink-error.js';

import {acquireAll} from './acquire-all.js';
import {describeHolder, LOCK_HEARTBEAT_MS, lockIsStale} from './lock-holder.js';

/**
 * An exclusive lock as a file created with O_EXCL, holding who took it. A lock whose process is gone
 * (same host, pid not alive) or whose heartbeat stopped (any host) is taken over, so a run killed with
 * kill -9 never blocks the next one.
 */
export async function acquireFileLock(path: string, owner: LockOwner, what: string): Promise<HeldLock> {
  await mkdir(dirname(path), {recursive: true});
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const token = randomUUID();
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({...owner, token}));
      await handle.close();
      // Ours is the file with our token (an inode number is reused at once): a run paused past the stale
      // limit may find its lock taken over, and must then neither keep another run's lock alive nor delete it.
      const stillOurs = async () => {
        const text = await readFile(path, 'utf8').catch(() => '');
        return text.includes(`"token":"${token}"`);
      };
      const heartbeat = setInterval(() => {
        void stillOurs().then((ours) => {
          if (!ours) return clearInterval(heartbeat);
          const now = new Date();
          return utimes(path, now, now).catch(() => undefined);
        });
      }, LOCK_HEARTBEAT_MS);
      heartbeat.unref();
      return {
        held: stillOurs,
        release: async () => {
          clearInterval(heartbeat);
          if (await stillOurs()) await rm(path, {force: true});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SinkError(`cannot create the lock file ${path} (${(error as Error).message}).`, {cause: error});
      }
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder.stale) {
      // Remove only the file we judged stale: if another run replaced it meanwhile, its inode differs.
      const info = await stat(path).catch(() => undefined);
      if (info?.ino === holder.ino) await rm(path, {force: true});
      continue;
    }
    throw lockedError(what, holder.owner, `lock file: ${path}`);
  }
  throw new LockedError(`${what}: the lock file ${path} keeps changing hands; try again.`);
}

/** One lock file per partition (pair), all or none. */
export function acquireFileLocks(locks: ReadonlyArray<{path: string; what: string}>, owner: LockOwner): Promise<HeldLock> {
  return acquireAll(locks, (l) => l.path, (l) => acquireFileLock(l.path, owner, l.what));
}

type Holder = 'gone' | {owner: LockOwner | undefined; stale: boolean; ino: number};

async function readHolder(path: string): Promise<Holder> {
  let info;
  let text;
  try {
    info = await stat(path);
    text = await readFile(path, 'utf8');
  } catch {
    return 'gone';
  }
  let owner: LockOwner | undefined;
  try {
    owner = JSON.parse(text) as LockOwner;
  } catch {
    // Written by a holder killed between create and write: judge it by its age alone.
  }
  return {owner, stale: lockIsStale(owner, Date.now() - info.mtimeMs), ino: info.ino};
}

/** The refusal every lock gives: who holds it, and what to do. */
export function lockedError(what: string, owner: Partial<LockOwner> | undefined, where: string): LockedError {
  return new LockedError(
    `${what} is in use by another mms run (${describeHolder(owner)}). mms refuses to run two writers on one store: ` +
      `wait for it to finish and run again. A lock left by a crashed run is taken over automatically (${where}).`,
  );
}
