import {randomBytes} from 'node:crypto';
import {chmod, lstat, mkdir, open, readlink, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join, parse, resolve, sep} from 'node:path';

/**
 * Replaces `path` with `content` so that a reader (or a crash, or kill -9) sees either the old file or the
 * new one, never a torn mix: write a temporary sibling, fsync it, rename over, fsync the directory.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await makeDirectory(dir);
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

/**
 * `mkdir -p dir`, with an error that says what is in the way where Node says only EEXIST, ENOTDIR or
 * ENOENT: the part of the path that is a file, or a symbolic link to nothing, and what to do about it.
 * Other failures (permissions, a full disk) are thrown as they come.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, {recursive: true});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const obstacle = code === 'EEXIST' || code === 'ENOTDIR' || code === 'ENOENT' ? await obstacleIn(resolve(dir)) : undefined;
    if (obstacle === undefined) throw error;
    throw Object.assign(new Error(`cannot create the directory ${dir}: ${obstacle}`, {cause: error}), {code});
  }
}

/** The first part of `dir`, from the root down, that exists but is no directory (nor a link to one). */
async function obstacleIn(dir: string): Promise<string | undefined> {
  const {root} = parse(dir);
  let path = root;
  for (const part of dir.slice(root.length).split(sep).filter(Boolean)) {
    path = join(path, part);
    const info = await lstat(path).catch(() => undefined);
    // Missing: mkdir can make it and all below, so the failure is not about what is in the way.
    if (!info) return undefined;
    if (info.isDirectory()) continue;
    if (!info.isSymbolicLink()) return `${path} is a file, not a directory; move it away, or choose another path`;
    const target = resolve(dirname(path), await readlink(path).catch(() => '?'));
    const followed = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (followed instanceof Error) {
      return followed.code === 'ENOENT'
        ? `${path} is a symbolic link to ${target}, which does not exist; create that directory, or remove the link`
        : `${path} is a symbolic link that cannot be followed (${followed.code}); fix or remove the link`;
    }
    if (!followed.isDirectory()) return `${path} is a symbolic link to the file ${target}, not to a directory; move it away, or choose another path`;
  }
  return undefined;
}
