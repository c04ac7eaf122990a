import {readdir, readFile, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {
  formatUtc,
  type HeldLock,
  type LedgerState,
  type LockOwner,
  type MmsRecord,
  type Sink,
  SinkError,
  type StateStore,
  type TimeRange,
} from '../../src/index.js';
import {acquireFileLock, FileStateStore, makeDirectory, unwrittenValue, writeFileAtomic} from '../../src/plugin-kit.js';

type Rows = Map<string, Map<number, MmsRecord>>;

/** What identifies one version of the file: every atomic write is a new inode, whatever the clock's tick. */
interface FileVersion {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly size: number;
}

/**
 * A JSON array of records sorted by pair then timestamp. The whole file is the unit of writing: each
 * upsert merges into what is on disk and replaces the file atomically. Fine for daily series (a year of
 * two pairs is ~100 KB); use a database sink for large intraday histories.
 */
export class JsonFileSink implements Sink {
  readonly name = 'json-file';
  private cache: {rows: Rows; version: FileVersion | undefined} | undefined;

  constructor(
    readonly path: string,
    readonly statePath: string = path.replace(/(\.json)?$/, '.state.json'),
  ) {}

  stateStore(): StateStore {
    return new JsonFileStateStore(this.statePath);
  }

  /** The file is rewritten whole, so every pair's run takes the one lock of the file. */
  async lock(owner: LockOwner): Promise<HeldLock> {
    // The lock file sits beside the data, and the state file is written under this lock: a path whose
    // directory cannot be made stops the run here, before anything is fetched, with what is in the way.
    await directoryOf(this.path, 'data file');
    await directoryOf(this.statePath, 'state file');
    const lock = await acquireFileLock(`${this.path}.lock`, owner, `json-file sink ${this.path}`);
    // Holding the lock, no other writer exists: temporary files still around were left by a killed run.
    for (const file of [this.path, this.statePath]) {
      const prefix = `.${basename(file)}.`;
      const leftovers = (await readdir(dirname(file)).catch(() => [])).filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
      await Promise.all(leftovers.map((name) => rm(join(dirname(file), name), {force: true})));
    }
    return lock;
  }

  async upsert(records: readonly MmsRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Merge into a copy: if the write fails, reads must keep answering with what is on disk.
    const rows: Rows = new Map([...(await this.rows())].map(([pair, byTime]) => [pair, new Map(byTime)]));
    for (const record of records) {
      let byTime = rows.get(record.pair);
      if (!byTime) {
        byTime = new Map();
        rows.set(record.pair, byTime);
      }
      const previous = byTime.get(record.timestamp);
      // Merge rather than replace, so fields written by another transform survive.
      byTime.set(record.timestamp, previous ? {...previous, ...record} : record);
    }
    try {
      await writeFileAtomic(this.path, serialize(rows));
    } catch (error) {
      throw new SinkError(`json-file: cannot write ${this.path} (${(error as Error).message}). Check that its directory can be created and is writable.`, {
        cause: error,
      });
    }
    this.cache = {rows, version: version(await stat(this.path))};
  }

  async latestTimestamp(pair: string): Promise<number | undefined> {
    const byTime = (await this.rows()).get(pair);
    if (!byTime || byTime.size === 0) return undefined;
    let latest = -Infinity;
    for (const timestamp of byTime.keys()) if (timestamp > latest) latest = timestamp;
    return latest;
  }

  async earliestTimestamp(pair: string): Promise<number | undefined> {
    const byTime = (await this.rows()).get(pair);
    if (!byTime || byTime.size === 0) return undefined;
    let earliest = Infinity;
    for (const timestamp of byTime.keys()) if (timestamp < earliest) earliest = timestamp;
    return earliest;
  }

  async readRange(pair: string, range: TimeRange): Promise<MmsRecord[]> {
    const byTime = (await this.rows()).get(pair);
    if (!byTime) return [];
    return [...byTime.values()].filter((r) => r.timestamp >= range.from && r.timestamp <= range.to).sort((a, b) => a.timestamp - b.timestamp);
  }

  async listTimestamps(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number[]> {
    const byTime = (await this.rows()).get(pair);
    if (!byTime) return [];
    return [...byTime.values()]
      .filter((r) => r.timestamp >= range.from && r.timestamp <= range.to && complete.every((field) => r[field] !== null && r[field] !== undefined))
      .map((r) => r.timestamp)
      .sort((a, b) => a - b);
  }

  /** The file's rows, re-read only when it changed on disk (another process may have written it). */
  private async rows(): Promise<Rows> {
    let current: FileVersion;
    try {
      current = version(await stat(this.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        throw new SinkError(
          `json-file: cannot read ${this.path}: a part of its directory is a file, not a directory (${(error as Error).message}). Move that file away, or choose another path.`,
          {cause: error},
        );
      }
      if (code !== 'ENOENT') throw new SinkError(`json-file: cannot read ${this.path} (${(error as Error).message}).`, {cause: error});
      // No file (never written, or moved away on purpose): the store is empty.
      this.cache = {rows: new Map(), version: undefined};
      return this.cache.rows;
    }
    const cached = this.cache?.version;
    if (cached && cached.ino === current.ino && cached.mtimeMs === current.mtimeMs && cached.size === current.size) return this.cache!.rows;
    const text = await readFile(this.path, 'utf8').catch((error: Error) => {
      throw new SinkError(`json-file: cannot read ${this.path} (${error.message}).`, {cause: error});
    });
    this.cache = {rows: parseRows(this.path, text), version: current};
    return this.cache.rows;
  }
}

/**
 * The run state beside the data. Its save takes a write lock beside the file first, which makes the
 * directory with no word on what is in the way when it cannot: the directory is made here first.
 */
class JsonFileStateStore extends FileStateStore {
  override async save(state: LedgerState, pairs: readonly string[]): Promise<void> {
    await directoryOf(this.location, 'state file');
    await super.save(state, pairs);
  }
}

/** Makes the directory of `file`, or stops with what is in the way (a file, a link to nothing). */
async function directoryOf(file: string, what: 'data file' | 'state file'): Promise<void> {
  try {
    await makeDirectory(dirname(file));
  } catch (error) {
    throw new SinkError(`json-file: ${what} ${file}: ${(error as Error).message}.`, {cause: error});
  }
}

function version(info: {ino: number; mtimeMs: number; size: number}): FileVersion {
  return {ino: info.ino, mtimeMs: info.mtimeMs, size: info.size};
}

function parseRows(path: string, text: string): Rows {
  const unusable = (why: string) =>
    new SinkError(
      `json-file: ${path} is not a JSON array of records (${why}). mms never overwrites a file it cannot read: fix it, or move it away to start afresh.`,
    );
  if (text.trim() === '') {
    // mms writes an empty store as `[]`: an empty file is a copy or a restore cut short, not a new store.
    throw new SinkError(
      `json-file: ${path} is empty, and a store mms wrote never is (an empty one holds []): most likely the file was cut short. ` +
        'mms never overwrites a file it cannot read: restore it from a backup, or delete it if a new, empty store is meant.',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unusable((error as Error).message);
  }
  if (!Array.isArray(parsed)) throw unusable('the top level is not an array');
  const rows: Rows = new Map();
  parsed.forEach((record: unknown, i) => {
    const r = record as Partial<MmsRecord> | null;
    if (typeof r !== 'object' || r === null || typeof r.pair !== 'string' || !Number.isSafeInteger(r.timestamp)) {
      throw unusable(`element ${i} has no string "pair" and integer "timestamp"`);
    }
    if ((r.timestamp as number) > 1e11 || (r.timestamp as number) < 0) {
      throw unusable(`element ${i} has timestamp ${r.timestamp}, not Unix seconds (milliseconds?)`);
    }
    const wrong = firstUnwrittenValue(r as MmsRecord);
    if (wrong) {
      throw new SinkError(
        `json-file: ${path}: the record of ${r.pair} ${formatUtc(r.timestamp as number)} (element ${i}) has ${wrong}. ` +
          'mms serves no value it could not have written, and never overwrites a file it cannot read: fix the record, or move the file away to start afresh.',
      );
    }
    let byTime = rows.get(r.pair);
    if (!byTime) {
      byTime = new Map();
      rows.set(r.pair, byTime);
    }
    byTime.set(r.timestamp as number, r as MmsRecord);
  });
  return rows;
}

/** The first field of `record` holding a value mms never writes, described for the message, or undefined. */
function firstUnwrittenValue(record: MmsRecord): string | undefined {
  for (const field in record) {
    if (field === 'pair' || field === 'timestamp') continue;
    const wrong = unwrittenValue(field, record[field]);
    if (wrong) return wrong;
  }
  return undefined;
}

/** One record per line: small diffs, greppable, and still a plain JSON array. */
function serialize(rows: Rows): string {
  const lines: string[] = [];
  for (const pair of [...rows.keys()].sort()) {
    const byTime = rows.get(pair)!;
    for (const timestamp of [...byTime.keys()].sort((a, b) => a - b)) {
      const {pair: p, timestamp: t, ...fields} = byTime.get(timestamp)!;
      lines.push(JSON.stringify({pair: p, timestamp: t, ...fields}));
    }
  }
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}
