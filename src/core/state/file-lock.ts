import {mkdir, open, readFile, rm, stat, utimes} from 'node:fs/promises';
import {dirname} from 'node:path';
import {hostname} from 'node:os';
import type {LockOwner, ReleaseLock} from '../contracts/state-store.js';
import {LockedError} from '../errors/locked-error.js';
import {SinkError} from '../errors/sink-error.js';

/** How often a holder touches its lock file, and how old a lock of another host may get before it is stale. */
const HEARTBEAT_MS = 5000;
const STALE_MS = 30_000;

/**
 * An exclusive lock as a file created with O_EXCL, holding who took it. A lock whose process is gone
 * (same host, pid not alive) or whose heartbeat stopped (any host) is taken over, so a run killed with
 * kill -9 never blocks the next one.
 */
export async function acquireFileLock(path: string, owner: LockOwner, what: string): Promise<ReleaseLock> {
  await mkdir(dirname(path), {recursive: true});
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      const heartbeat = setInterval(() => {
        const now = new Date();
        utimes(path, now, now).catch(() => undefined);
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        await rm(path, {force: true});
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
    const {owner: other} = holder;
    throw new LockedError(
      `${what} is in use by another mms run (${other ? `\`${other.command}\`, pid ${other.pid} on ${other.host}, started ${other.startedAt}` : 'unknown holder'}). ` +
        `mms refuses to run two writers on one store: wait for it to finish and run again. A lock left by a crashed run is taken over automatically (lock file: ${path}).`,
    );
  }
  throw new LockedError(`${what}: the lock file ${path} keeps changing hands; try again.`);
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
  const silentFor = Date.now() - info.mtimeMs;
  const deadHere = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
  return {owner, stale: deadHere || silentFor > STALE_MS, ino: info.ino};
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockOwner(command: string): LockOwner {
  return {pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString()};
}
