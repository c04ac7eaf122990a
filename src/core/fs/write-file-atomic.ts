import {randomBytes} from 'node:crypto';
import {chmod, mkdir, open, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

/**
 * Replaces `path` with `content` so that a reader (or a crash, or kill -9) sees either the old file or the
 * new one, never a torn mix: write a temporary sibling, fsync it, rename over, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, {recursive: true});
  const temporary = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Keep the permissions someone gave the file; a rename would otherwise reset them to the umask's.
  const mode = (await stat(path).catch(() => undefined))?.mode;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await chmod(temporary, mode & 0o7777);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, {force: true});
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
