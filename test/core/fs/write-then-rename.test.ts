import {readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {writeThenRename} from '../../../src/core/fs/write-then-rename.js';
import {tempDir} from '../../helpers/temp-dir.js';

async function* chunks(parts: readonly string[], failAfter?: number) {
  for (const [i, part] of parts.entries()) {
    if (i === failAfter) throw new Error('interrupted');
    yield part;
  }
}

test('the file appears whole, under its name, only once every chunk is written', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'out.csv');
  await writeThenRename(path, chunks(['a,b\n', '1,2\n']));
  t.is(await readFile(path, 'utf8'), 'a,b\n1,2\n');
  t.deepEqual(await readdir(dir), ['out.csv']);
});

test('an interruption midway leaves no file and no temporary file, and an existing file as it was', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'out.csv');
  await t.throwsAsync(writeThenRename(path, chunks(['a,b\n', '1,2\n', '3,4\n'], 2)), {message: 'interrupted'});
  t.deepEqual(await readdir(dir), []);
  await writeFile(path, 'before');
  await t.throwsAsync(writeThenRename(path, chunks(['a,b\n', '1,2\n'], 1)));
  t.is(await readFile(path, 'utf8'), 'before');
  t.deepEqual(await readdir(dir), ['out.csv']);
});
