import type {DatabaseSync, SQLInputValue, StatementSync} from 'node:sqlite';
import {
  type CandleStore,
  formatUtc,
  type HeldLock,
  type LockOwner,
  type MmsRecord,
  resolutionSeconds,
  type Sink,
  SinkError,
  type StateStore,
  type TimeRange,
} from '../../src/index.js';
import {unwrittenValue} from '../../src/plugin-kit.js';
import {inTransaction} from './in-transaction.js';
import {type OpenOptions, openSqliteStore} from './open-sqlite-store.js';
import {SqliteCandleStore} from './sqlite-candle-store.js';
import {acquireSqliteLocks} from './sqlite-lock.js';
import {SqliteStateStore} from './sqlite-state-store.js';
import {withSqliteErrors} from './with-sqlite-errors.js';

/** Field names become column names: plain identifiers only, so they are safe to quote and easy to query. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Records in the `records` table of an SQLite file (see sqlite-schema.ts), upserted on (pair, timestamp),
 * one transaction per call: a page of records is stored whole or not at all. The file is opened on first
 * use, so a command that never touches the store never creates it.
 */
export class SqliteSink implements Sink {
  readonly name = 'sqlite';
  private db: DatabaseSync | undefined;
  /** The columns of `records`, by lower-case name (SQLite's names are case-insensitive). */
  private columns = new Map<string, string>();
  private readonly statements = new Map<string, StatementSync>();
  /** The locks this sink's connection holds, given back when it closes. */
  private readonly locks = new Set<HeldLock>();
  /** Upserts made through this connection, which SQLite's data_version does not count. */
  private writes = 0;

  constructor(readonly options: OpenOptions) {}

  get path(): string {
    return this.options.path;
  }

  async upsert(records: readonly MmsRecord[]): Promise<void> {
    if (records.length === 0) return;
    const db = this.open();
    const shapes = shapesOf(records);
    this.run('write records', () =>
      inTransaction(
        db,
        () => {
          this.addColumns(db, new Set(shapes.flatMap((shape) => shape.fields)));
          for (const {fields, from, to} of shapes) {
            const statement = this.upsertStatement(fields);
            const values: SQLInputValue[] = new Array(fields.length + 2);
            for (let i = from; i < to; i++) {
              const record = records[i]!;
              values[0] = record.pair;
              values[1] = record.timestamp;
              for (let f = 0; f < fields.length; f++) values[f + 2] = checkedValue(record, fields[f]!);
              statement.run(...values);
            }
          }
        },
        () => this.refreshColumns(db),
      ),
    );
    this.writes++;
  }

  async latestTimestamp(pair: string): Promise<number | undefined> {
    const row = this.run('read the newest record', () => this.statement('SELECT max(timestamp) AS newest FROM records WHERE pair = ?').get(pair)) as {
      newest: number | null;
    };
    return row.newest ?? undefined;
  }

  async earliestTimestamp(pair: string): Promise<number | undefined> {
    const row = this.run('read the oldest record', () => this.statement('SELECT min(timestamp) AS oldest FROM records WHERE pair = ?').get(pair)) as {
      oldest: number | null;
    };
    return row.oldest ?? undefined;
  }

  async readRange(pair: string, range: TimeRange): Promise<MmsRecord[]> {
    const rows = this.run('read records', () =>
      this.statement('SELECT * FROM records WHERE pair = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp').all(pair, range.from, range.to),
    );
    // node:sqlite's rows have no prototype; records are plain objects everywhere else.
    return rows.map((row) => this.checked({...row} as MmsRecord));
  }

  async countRecords(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number> {
    const filled = this.filledCondition(complete);
    if (filled === undefined) return 0;
    const row = this.run('count stored bars', () =>
      this.statement(`SELECT count(*) AS n FROM records WHERE pair = ? AND timestamp BETWEEN ? AND ?${filled}`).get(pair, range.from, range.to),
    ) as {n: number};
    return row.n;
  }

  async listTimestamps(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number[]> {
    const filled = this.filledCondition(complete);
    if (filled === undefined) return [];
    const statement = this.statement(`SELECT timestamp FROM records WHERE pair = ? AND timestamp BETWEEN ? AND ?${filled} ORDER BY timestamp`);
    return this.run('list stored bars', () => (statement.all(pair, range.from, range.to) as Array<{timestamp: number}>).map((row) => row.timestamp));
  }

  /**
   * The SQL condition that every field of `complete` holds a value (` AND "f" IS NOT NULL`…), or undefined
   * when one of them has no column yet: a field no write has brought yet holds a value nowhere.
   */
  private filledCondition(complete: readonly string[]): string | undefined {
    this.refreshColumns(this.open());
    const names = complete.map((field) => this.columns.get(field.toLowerCase()));
    if (names.some((name, i) => name !== complete[i])) return undefined;
    return names.map((name) => ` AND "${name}" IS NOT NULL`).join('');
  }

  /**
   * A row as read, once its values are ones mms could have written: a hand edit or another program's value
   * is refused, naming pair, day and column, rather than served. NULL is a field without a value; a NULL
   * close (a row a partial record created) is left out, as in a record that never had one: a close is a
   * price or absent, never null, in every store.
   */
  private checked(record: MmsRecord): MmsRecord {
    if (record.close === null) delete (record as {close?: unknown}).close;
    for (const field in record) {
      if (field === 'pair' || field === 'timestamp' || record[field] === null) continue;
      const wrong = unwrittenValue(field, record[field]);
      if (wrong) {
        throw new SinkError(
          `sqlite: ${this.path}: the row of ${record.pair} ${formatUtc(record.timestamp)} in table records has ${wrong}. mms serves no value it could not have written: fix the row (UPDATE records SET …), or delete it and load that day again.`,
        );
      }
    }
    return record;
  }

  /** SQLite's own count of other connections' commits, and this connection's writes. */
  async dataVersion(): Promise<string> {
    const row = this.run('read the data version', () => this.statement('PRAGMA data_version').get()) as {data_version: number};
    return `${row.data_version}:${this.writes}`;
  }

  stateStore(): StateStore {
    return new SqliteStateStore(this.path, () => this.open());
  }

  candleStore(): CandleStore {
    return new SqliteCandleStore(this.path, resolutionSeconds(this.options.resolution), () => this.open());
  }

  async lock(owner: LockOwner, pairs: readonly string[]): Promise<HeldLock> {
    const lock = acquireSqliteLocks(this.open(), owner, pairs, `sqlite sink ${this.path}`);
    const tracked: HeldLock = {
      held: () => lock.held(),
      release: async () => {
        this.locks.delete(tracked);
        await lock.release();
      },
    };
    this.locks.add(tracked);
    return tracked;
  }

  async close(): Promise<void> {
    // Rows of locks still held would keep other runs out until this process ends.
    for (const lock of [...this.locks]) await lock.release().catch(() => undefined);
    this.statements.clear();
    const db = this.db;
    this.db = undefined;
    if (db?.isOpen) db.close();
  }

  private open(): DatabaseSync {
    if (!this.db) {
      this.db = openSqliteStore(this.options);
      this.refreshColumns(this.db);
    }
    return this.db;
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.run('prepare a query', () => this.open().prepare(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private upsertStatement(keys: readonly string[]): StatementSync {
    const columns = keys.map((key) => `"${key}"`);
    const update = columns.length === 0 ? 'NOTHING' : `UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    return this.statement(
      `INSERT INTO records (pair, timestamp${columns.map((c) => `, ${c}`).join('')}) VALUES (?, ?${', ?'.repeat(columns.length)}) ON CONFLICT (pair, timestamp) DO ${update}`,
    );
  }

  /** Adds a REAL column for each field the table lacks (inside the caller's write transaction). */
  private addColumns(db: DatabaseSync, fields: ReadonlySet<string>): void {
    const missing = () => [...fields].filter((field) => this.columns.get(field.toLowerCase()) !== field);
    if (missing().length === 0) return;
    // Another process may have added them since this one looked.
    this.refreshColumns(db);
    for (const field of missing()) {
      const other = this.columns.get(field.toLowerCase());
      if (other !== undefined) {
        throw new SinkError(
          `sqlite: ${this.path}: the field "${field}" differs only in case from the column "${other}" (SQLite's column names ignore case); rename the field.`,
        );
      }
      db.exec(`ALTER TABLE records ADD COLUMN "${field}" REAL`);
      this.columns.set(field.toLowerCase(), field);
    }
  }

  private refreshColumns(db: DatabaseSync): void {
    const rows = this.run('read the table layout', () => db.prepare('PRAGMA table_info(records)').all() as Array<{name: string}>);
    this.columns = new Map(rows.map((row) => [row.name.toLowerCase(), row.name]));
  }

  private run<T>(action: string, work: () => T): T {
    return withSqliteErrors(this.path, action, work);
  }
}

/** A run of records `[from, to)` with the same keys: `fields`, their keys besides pair and timestamp. */
interface Shape {
  readonly fields: readonly string[];
  readonly from: number;
  to: number;
}

/**
 * The records cut into runs of one shape, each field a valid column name. The records of a page share their
 * keys, so this is usually one run, found by comparing each record's keys with the previous one's.
 */
function shapesOf(records: readonly MmsRecord[]): Shape[] {
  const shapes: Shape[] = [];
  let keys: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const next = Object.keys(record);
    const shape = shapes.at(-1);
    if (shape && next.length === keys.length && next.every((key, k) => key === keys[k])) {
      shape.to = i + 1;
      continue;
    }
    keys = next;
    const fields = next.filter((key) => key !== 'pair' && key !== 'timestamp');
    for (const field of fields) {
      if (!IDENTIFIER.test(field)) {
        throw new SinkError(
          `sqlite: the field "${field}" (${record.pair} ${formatUtc(record.timestamp)}) cannot be a column: use letters, digits and "_", starting with a letter or "_" (at most 63).`,
        );
      }
    }
    shapes.push({fields, from: i, to: i + 1});
  }
  return shapes;
}

/** A value as stored: null stays null, a number must be finite (SQLite would store NaN as NULL, Infinity as is). */
function checkedValue(record: MmsRecord, key: string): SQLInputValue {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new SinkError(
      `sqlite: refusing to store ${key} = ${value} for ${record.pair} ${formatUtc(record.timestamp)}: a stored value is a finite number or null (no value).`,
    );
  }
  return value;
}
