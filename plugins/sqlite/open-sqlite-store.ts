import {closeSync, mkdirSync, openSync, readSync, statSync} from 'node:fs';
import {dirname} from 'node:path';
import {DatabaseSync} from 'node:sqlite';
import {ConfigError, isMmsError, type Resolution, SinkError} from '../../src/index.js';
import {describeSqliteError} from './describe-sqlite-error.js';
import {inTransaction} from './in-transaction.js';
import {MIGRATIONS, SCHEMA_VERSION} from './sqlite-schema.js';

/** Every SQLite database file starts with these 16 bytes. */
const HEADER = 'SQLite format 3\0';

export interface OpenOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly resolution: Resolution;
  /** The config key naming the file, for messages (`sink.path`). */
  readonly configKey: string;
}

/**
 * Opens (creating when new) an mms store: WAL, so readers never wait for the writer; the schema brought
 * up to this mms's version step by step; the resolution the file was written with checked against the
 * config's. A file that is not an mms store is refused before SQLite touches it, and never modified.
 */
export function openSqliteStore(options: OpenOptions): DatabaseSync {
  const {path} = options;
  refuseForeignFile(path);
  try {
    mkdirSync(dirname(path), {recursive: true});
  } catch (error) {
    throw new SinkError(`sqlite: cannot create the directory of ${path} (${(error as Error).message}). Point ${options.configKey} at a writable place.`, {
      cause: error,
    });
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, {timeout: options.busyTimeoutMs});
  } catch (error) {
    throw describeSqliteError(error, path, 'open the database');
  }
  try {
    refuseForeignStore(db, path);
    // WAL lets `mms serve` read while a run writes, and keeps every committed page across kill -9.
    // NORMAL syncs at checkpoints rather than at every commit: a power loss may drop the last pages, which
    // the next run fetches again; a process crash loses nothing committed.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    migrate(db, options);
    return db;
  } catch (error) {
    db.close();
    throw isMmsError(error) ? error : describeSqliteError(error, path, 'open the database');
  }
}

/** A non-empty file without SQLite's header (a JSON store, anything else) is not opened at all. */
function refuseForeignFile(path: string): void {
  const info = statSync(path, {throwIfNoEntry: false});
  if (!info) return;
  if (!info.isFile()) throw new SinkError(`sqlite: ${path} is not a file. Point the sink's path at a database file.`);
  if (info.size === 0) return; // SQLite's own empty database: what `sqlite3 new.db` leaves behind
  const head = Buffer.alloc(HEADER.length);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new SinkError(`sqlite: cannot read ${path} (${(error as Error).message}). Check its permissions.`, {cause: error});
  }
  try {
    readSync(fd, head, 0, HEADER.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== HEADER) {
    throw new SinkError(
      `sqlite: ${path} is not an SQLite database (it does not start with SQLite's header); it was not modified. Move it away, or point the sink's path at an mms database file.`,
    );
  }
}

const schemaVersion = (db: DatabaseSync) => (db.prepare('PRAGMA user_version').get() as {user_version: number}).user_version;

/**
 * A database of a newer mms, or one that is not an mms store at all, is refused before anything is
 * written to it (switching it to WAL would already change its header).
 */
function refuseForeignStore(db: DatabaseSync, path: string): void {
  const found = schemaVersion(db);
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{name: string}>).map((t) => t.name);
  // Other programs number their schemas too: an mms store of any version has its mms_meta table.
  if (found > 0 && !tables.includes('mms_meta')) {
    throw new SinkError(
      `sqlite: ${path} is an SQLite database but not an mms store (schema version ${found}, no mms_meta table; it has ${tables.join(', ') || 'no tables'}); it was not modified. Point the sink's path at a new file.`,
    );
  }
  if (found > SCHEMA_VERSION) {
    throw new SinkError(
      `sqlite: ${path} was written by a newer mms (schema version ${found}; this mms knows up to ${SCHEMA_VERSION}). It was not modified: upgrade mms to use it.`,
    );
  }
  if (found === 0) {
    if (tables.length > 0) {
      throw new SinkError(
        `sqlite: ${path} is an SQLite database but not an mms store (it has the tables ${tables.join(', ')} and no mms schema version); it was not modified. Point the sink's path at a new file.`,
      );
    }
  }
}

function migrate(db: DatabaseSync, options: OpenOptions): void {
  const {path} = options;
  if (schemaVersion(db) < SCHEMA_VERSION) {
    // One writer creates or upgrades; another process opening the file meanwhile waits, then sees it done.
    inTransaction(db, () => {
      refuseForeignStore(db, path);
      for (let current = schemaVersion(db); current < SCHEMA_VERSION; current++) MIGRATIONS[current]!(db, {resolution: options.resolution});
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }
  const stored = (db.prepare("SELECT value FROM mms_meta WHERE key = 'resolution'").get() as {value: string} | undefined)?.value;
  if (stored === undefined)
    throw new SinkError(
      `sqlite: ${path} has no resolution recorded in its mms_meta table; it was not modified. Restore the row, or point ${options.configKey} at a new file.`,
    );
  if (stored !== options.resolution) {
    throw new ConfigError(
      `${path} holds ${stored} bars, but the config's resolution is ${options.resolution}. A store holds one resolution: set resolution back to ${stored}, or point ${options.configKey} at another file.`,
    );
  }
}
