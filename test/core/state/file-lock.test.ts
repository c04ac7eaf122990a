import {spawn} from 'node:child_process';
import {readdir, readFile, rm, utimes, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {LockedError} from '../../../src/core/errors/locked-error.js';
import {acquireFileLock, acquireFileLocks} from '../../../src/core/state/file-lock.js';
import {LOCK_STALE_MS, lockOwner} from '../../../src/core/state/lock-holder.js';
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

/** Makes the next `FileHandle.writeFile` in this process hang, as a taker frozen or killed right there would. */
const HANG_NEXT_WRITE = `
  import {open} from 'node:fs/promises';
  const probe = await open(process.execPath, 'r');
  const prototype = Object.getPrototypeOf(probe);
  await probe.close();
  prototype.writeFile = () => new Promise(() => {});
  setInterval(() => {}, 60_000); // stay alive until killed
`;

test('a taker killed (kill -9) while writing its holder leaves no lock file: the next taker gets the lock at once and removes the leftover', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'store.lock');
  const lockModule = new URL('../../../src/core/state/file-lock.ts', import.meta.url).href;
  const holderModule = new URL('../../../src/core/state/lock-holder.ts', import.meta.url).href;
  const child = spawn(process.execPath, [
    '--import=tsx',
    '--input-type=module',
    '-e',
    `${HANG_NEXT_WRITE}
    const {acquireFileLock} = await import(${JSON.stringify(lockModule)});
    const {lockOwner} = await import(${JSON.stringify(holderModule)});
    await acquireFileLock(${JSON.stringify(path)}, lockOwner('mms ingest'), 'the store');`,
  ]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.on('close', resolve));
  // The child stops in the middle of writing its holder: whatever file it made by then is on disk.
  let names: string[] = [];
  for (let i = 0; i < 3000 && names.length === 0; i++) {
    names = await readdir(dir);
    if (names.length === 0) await sleep(10);
  }
  t.true(names.length > 0, `the taker created a file before it hung; stderr: ${stderr}`);
  await sleep(100);
  child.kill('SIGKILL');
  await exited;
  t.false((await readdir(dir)).includes('store.lock'), 'no lock file without its holder');

  const warnings = captureWarnings(t, path);
  const started = Date.now();
  const lock = await acquireFileLock(path, lockOwner('mms retry'), 'the store');
  t.true(Date.now() - started < 1500, `taken in ${Date.now() - started} ms, without waiting`);
  t.deepEqual(warnings, []);
  t.deepEqual(await readdir(dir), ['store.lock'], "the killed taker's temporary file was removed");
  await lock.release();
});

for (const [shape, content, problem] of [
  [
    'fields of the wrong types',
    '{"pid":"abc","host":1}',
    /pid: expected a process id; host: expected a host name; command: expected a command; startedAt: expected a date string/,
  ],
  ['an array', '[]', /expected an object naming the holder/],
  ['nothing at all', '', /it is empty/],
  ['JSON cut short', '{"pid":12', /it is not JSON/],
  ['an empty object', '{}', /pid: expected a process id/],
] as const) {
  test(`a fresh lock file that names no holder (${shape}) is refused at once with exit 5 as unreadable, naming the file and what to do`, async (t) => {
    const path = join(await tempDir(t), 'store.lock');
    await writeFile(path, content);
    const warnings = captureWarnings(t, path);
    const started = Date.now();
    const error = await t.throwsAsync(acquireFileLock(path, lockOwner('mms ingest'), 'the store'), {instanceOf: LockedError});
    t.true(Date.now() - started < 1500, 'refused at once, without waiting');
    t.is(error.exitCode, 5);
    t.true(error.message.startsWith(`the store: the lock file ${path} is unreadable (`), error.message);
    t.regex(error.message, problem);
    t.regex(error.message, /If no mms run is active, remove it and run again \(one untouched for 30 s is taken over automatically\)\.$/);
    t.notRegex(error.message, /undefined|unknown holder/);
    t.deepEqual(warnings, []);
    t.is(await readFile(path, 'utf8'), content, 'the file is left for whoever wrote it');
  });
}

for (const [shape, content, problem] of [
  ['fields of the wrong types', '{"pid":"abc","host":1}', 'pid: expected a process id; .*'],
  ['nothing at all', '', 'it is empty'],
] as const) {
  test(`a lock file naming no holder (${shape}) untouched for longer than the stale limit is taken over, with a warning naming it and why`, async (t) => {
    const path = join(await tempDir(t), 'store.lock');
    await writeFile(path, content);
    const old = new Date(Date.now() - LOCK_STALE_MS - 1000);
    await utimes(path, old, old);
    const warnings = captureWarnings(t, path);
    const lock = await acquireFileLock(path, lockOwner('mms ingest'), 'the store');
    t.true(await lock.held());
    t.is(warnings.length, 1);
    t.is(warnings[0]!.code, 'MMS_UNREADABLE_LOCK');
    t.regex(
      warnings[0]!.message,
      new RegExp(`the lock file ${escapeRegExp(path)} was unreadable \\(${problem}\\) and untouched for \\d+ s; it was removed and the lock taken over`),
    );
    await lock.release();
  });
}

test("a temporary file left by a taker killed before linking it is removed by the next taker; a live taker's is not", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'store.lock');
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => dead.on('close', resolve));
  const deadTemporary = `.lock-store.lock.${dead.pid}.0badc0de.tmp`;
  const liveTemporary = `.lock-store.lock.${process.pid}.0badc0de.tmp`;
  await writeFile(join(dir, deadTemporary), JSON.stringify(lockOwner('killed')));
  await writeFile(join(dir, liveTemporary), JSON.stringify(lockOwner('taking it right now')));
  const lock = await acquireFileLock(path, lockOwner('mms ingest'), 'the store');
  t.deepEqual((await readdir(dir)).sort(), [liveTemporary, 'store.lock']);
  await lock.release();
});

/** Warnings about `path` (tests run concurrently in one process, and warnings are process-wide). */
function captureWarnings(t: ExecutionContext, path: string): Array<Error & {code?: string}> {
  const warnings: Array<Error & {code?: string}> = [];
  const listener = (warning: Error & {code?: string}) => {
    if (warning.message.includes(path)) warnings.push(warning);
  };
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  return warnings;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
