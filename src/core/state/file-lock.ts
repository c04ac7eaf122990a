import {randomBytes, randomUUID} from 'node:crypto';
import {link, mkdir, open, readdir, readFile, rm, stat, utimes} from 'node:fs/promises';
import {hostname} from 'node:os';
import {basename, dirname, join} from 'node:path';
import type {HeldLock, LockOwner} from '../contracts/state-store.js';
import {LockedError} from '../errors/locked-error.js';
import {SinkError} from '../errors/sink-error.js';

import {acquireAll} from './acquire-all.js';
import {describeHolder, LOCK_HEARTBEAT_MS, LOCK_STALE_MS, lockIsStale, lockOwnerSchema, parseHolder} from './lock-holder.js';

/**
 * An exclusive lock as a file that appears atomically with its holder in it: the holder is written to a
 * temporary file, which is then hard-linked to the lock's name (link() never replaces an existing file, so
 * exactly one taker wins). A lock whose process is gone (same host, pid not alive) or whose heartbeat
 * stopped (any host) is taken over, so a run killed with kill -9 never blocks the next one.
 */
export async function acquireFileLock(path: string, owner: LockOwner, what: string): Promise<HeldLock> {
  await mkdir(dirname(path), {recursive: true});
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = randomUUID();
    let created: boolean;
    try {
      created = await createWithContent(path, JSON.stringify({...owner, token}));
    } catch (error) {
      throw new SinkError(`cannot create the lock file ${path} (${(error as Error).message}). Check that its directory is writable.`, {cause: error});
    }
    if (created) {
      await removeDeadTemporaries(path);
      return heldLock(path, token);
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder.stale) {
      // Remove only the file we judged stale: if another run replaced it meanwhile, its inode differs.
      const info = await stat(path).catch(() => undefined);
      if (info?.ino === holder.ino) {
        await rm(path, {force: true});
        if (holder.problem !== undefined) {
          process.emitWarning(
            `the lock file ${path} was unreadable (${holder.problem}) and untouched for ${Math.round(holder.ageMs / 1000)} s; it was removed and the lock taken over.`,
            {
              code: 'MMS_UNREADABLE_LOCK',
            },
          );
        }
      }
      continue;
    }
    if (holder.problem !== undefined) {
      throw unreadableLockError(
        what,
        `the lock file ${path}`,
        holder.problem,
        `remove it and run again (one untouched for ${LOCK_STALE_MS / 1000} s is taken over automatically)`,
      );
    }
    throw lockedError(what, holder.owner, `lock file: ${path}`);
  }
  throw new LockedError(`${what}: the lock file ${path} keeps changing hands; try again.`);
}

/** One lock file per partition (pair), all or none. */
export function acquireFileLocks(locks: ReadonlyArray<{path: string; what: string}>, owner: LockOwner): Promise<HeldLock> {
  return acquireAll(
    locks,
    (l) => l.path,
    (l) => acquireFileLock(l.path, owner, l.what),
  );
}

/**
 * Creates `path` holding `content` unless it exists (false then). Readers never see it empty: the content
 * is written to a temporary file first and linked into place. Where hard links are not supported, it falls
 * back to O_EXCL and a write: a taker that meets the file empty in between finds it unreadable and refuses,
 * as it would refuse its holder.
 */
async function createWithContent(path: string, content: string): Promise<boolean> {
  for (;;) {
    const temporary = join(dirname(path), `${TEMPORARY_PREFIX}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeNew(temporary, content);
    try {
      await link(temporary, path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // Our temporary file was removed under us (taken for a dead run's): write it again.
      if (code === 'ENOENT') continue;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createExclusive(path, content);
      throw error;
    } finally {
      await rm(temporary, {force: true});
    }
  }
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    await writeNew(path, content);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function writeNew(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/** Locks whose leftover temporaries this process has already looked for. */
const swept = new Set<string>();

/** Not the `.<name>.` prefix of the data files' temporaries, which a sink removes on its own terms. */
const TEMPORARY_PREFIX = '.lock-';

/**
 * A run killed between writing its temporary file and linking it leaves the temporary behind; remove those
 * of this lock whose process is gone, or that are older than any live taker's (another host's pid means
 * nothing here).
 */
async function removeDeadTemporaries(path: string): Promise<void> {
  // Leftovers only come from a crash before this process started: once per lock is enough.
  if (swept.has(path)) return;
  swept.add(path);
  const dir = dirname(path);
  const prefix = `${TEMPORARY_PREFIX}${basename(path)}.`;
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(name.slice(prefix.length).split('.')[0]);
      const info = await stat(join(dir, name)).catch(() => undefined);
      // The rule of a lock file itself: its process is gone from this host, or it is older than any taker's.
      if (info && lockIsStale({host: hostname(), pid}, Date.now() - info.mtimeMs)) await rm(join(dir, name), {force: true});
    }),
  );
}

function heldLock(path: string, token: string): HeldLock {
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
}

type Holder = 'gone' | {owner: LockOwner | undefined; problem?: string; stale: boolean; ageMs: number; ino: number};

async function readHolder(path: string): Promise<Holder> {
  let info: Awaited<ReturnType<typeof stat>>;
  let text: string;
  try {
    info = await stat(path);
    text = await readFile(path, 'utf8');
  } catch {
    return 'gone';
  }
  const ageMs = Math.max(0, Date.now() - info.mtimeMs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Empty or cut short (edited, a disk that filled up): only its silence can tell whether anything holds it.
    return {owner: undefined, problem: text.trim() === '' ? 'it is empty' : 'it is not JSON', stale: ageMs > LOCK_STALE_MS, ageMs, ino: info.ino};
  }
  const {holder: owner, problem} = parseHolder(lockOwnerSchema, parsed);
  if (problem !== undefined) return {owner: undefined, problem, stale: ageMs > LOCK_STALE_MS, ageMs, ino: info.ino};
  return {owner, stale: lockIsStale(owner, ageMs), ageMs, ino: info.ino};
}

/** The refusal every lock gives: who holds it, and what to do. */
export function lockedError(what: string, owner: LockOwner | undefined, where: string): LockedError {
  return new LockedError(
    `${what} is in use by another mms run (${describeHolder(owner)}). mms refuses to run two writers on one store: ` +
      `wait for it to finish and run again. A lock left by a crashed run is taken over automatically (${where}).`,
  );
}

/**
 * The refusal for a lock that names no holder mms can read: whether a run holds it is unknown, so this
 * run does nothing, and says which lock it is and how to clear it.
 */
export function unreadableLockError(what: string, lock: string, problem: string, remedy: string): LockedError {
  return new LockedError(
    `${what}: ${lock} is unreadable (${problem}), so mms cannot tell whether another run holds it, and refuses to run. ` +
      `If no mms run is active, ${remedy}.`,
  );
}
