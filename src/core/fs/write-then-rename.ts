import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';

/**
 * Streams `chunks` into a temporary file beside `path`, renamed to `path` once all are written: a reader
 * never sees half a file, and a failure or an interruption (the iterator throwing) removes the temporary
 * file and leaves `path` as it was.
 */
export async function writeThenRename(path: string, chunks: AsyncIterable<string>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(temporary);
  try {
    for await (const chunk of chunks) if (!stream.write(chunk)) await once(stream, 'drain');
    stream.end();
    await once(stream, 'close');
    await rename(temporary, path);
  } catch (error) {
    stream.destroy();
    await rm(temporary, {force: true});
    throw error;
  }
}
