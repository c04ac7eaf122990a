import {readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {LockedError} from '../../../src/core/errors/locked-error.js';
import {acquireFileLock, acquireFileLocks} from '../../../src/core/state/file-lock.js';
import {lockOwner} from '../../../src/core/state/lock-holder.js';
import {tempDir} from '../../helpers/temp-dir.js';

test('a second taker is refused while the lock is held, and gets it once released', async (t) => {
  const path = join(await tempDir(t), 'store.lock');
  const lock = await acquireFileLock(path, lockOwner('mms ingest'), 'the store');
  const error = await t.throwsAsync(acquireFileLock(path, lockOwner('mms retry'), 'the store'), {instanceOf: LockedError});
  t.regex(error.message, /the store is in use by another mms run \(`mms ingest`, pid \d+/);
  await lock.release();
  await (await acquireFileLock(path, lockOwner('mms retry'), 'the store')).release();
});

test('a run whose lock was taken over (it was paused past the stale limit) knows it, and releases nothing of the new holder', async (t) => {
  const path = join(await tempDir(t), 'store.lock');
  const lock = await acquireFileLock(path, lockOwner('mms ingest'), 'the store');
  t.true(await lock.held());
  // Another run judged it stale and took it over: a new file in its place.
  await rm(path);
  const taker = JSON.stringify({pid: 1, host: 'elsewhere', command: 'mms ingest', startedAt: '2022-01-01T00:00:00Z'});
  await writeFile(path, taker);
  t.false(await lock.held(), 'no longer held: the run must not write again');
  await lock.release();
  t.is(await readFile(path, 'utf8'), taker, 'the new holder keeps its lock');
});

test('per-pair locks are all or none: refused on one pair, a run keeps none of the others', async (t) => {
  const dir = await tempDir(t);
  const locks = (pairs: string[]) => pairs.map((pair) => ({path: join(dir, `${pair}.lock`), what: `pair ${pair}`}));
  const holder = await acquireFileLocks(locks(['BRLETH']), lockOwner('mms ingest'));
  const error = await t.throwsAsync(acquireFileLocks(locks(['BRLBTC', 'BRLETH', 'BRLXRP']), lockOwner('mms retry')), {instanceOf: LockedError});
  t.regex(error.message, /^pair BRLETH is in use/);
  t.deepEqual(await readdir(dir), ['BRLETH.lock'], 'BRLBTC, taken before the refusal, was released; BRLXRP never taken');
  const disjoint = await acquireFileLocks(locks(['BRLBTC', 'BRLXRP']), lockOwner('mms ingest --shard 1/2'));
  await Promise.all([holder.release(), disjoint.release()]);
  t.deepEqual(await readdir(dir), []);
});
