import type {DatabaseSync} from 'node:sqlite';
import type {Resolution} from '../../src/index.js';

/**
 * The layout of an mms SQLite store, as users query it:
 *
 * - `records`: one row per (pair, timestamp): `pair TEXT`, `timestamp INTEGER` (bar open time, Unix
 *   seconds, UTC), `close REAL`, and one `REAL` column per transform field (`mms_20`, …), NULL where the
 *   field has no value. A field new to the store adds its column on the first write that carries it.
 * - `mms_meta`: `key`/`value` pairs; `resolution` is the bar size the store holds.
 * - `mms_failures`, `mms_holes`, `mms_restated`: the ledger (windows queued for `mms retry`, days the source has no candle
 *   for, bars the source restated after they were stored), `from_ts`/`to_ts`/`at_ts` in Unix seconds.
 * - `mms_locks`: one row per pair a run is writing.
 * - `mms_runs`: the newest 1,000 runs of the commands that write the store (`mms status` shows them):
 *   `command`, `args` and `pairs` (JSON arrays), `started_at`, `ended_at` (NULL while running, or for a
 *   run killed before it ended), `outcome`, `exit_code`, `written`, `requests`, `error`.
 * - `candles`: every candle a run fetched (look-back included), one row per (pair, timestamp): `open`,
 *   `high`, `low`, `close`, `volume`, each a REAL, or the decimal TEXT the exchange sent when a REAL cannot
 *   hold every digit of it (a price such as 123456789012.12345678); `CAST(close AS REAL)` reads either.
 *
 * `PRAGMA user_version` is the schema version: the number of steps of MIGRATIONS applied.
 */
export type Migration = (db: DatabaseSync, context: {readonly resolution: Resolution}) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: the first layout.
  (db, {resolution}) => {
    // WITHOUT ROWID: the rows are stored in (pair, timestamp) order, which is every read's order.
    db.exec(`
      CREATE TABLE records (
        pair TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        close REAL,
        PRIMARY KEY (pair, timestamp)
      ) WITHOUT ROWID;
      CREATE TABLE mms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE mms_failures (
        pair TEXT NOT NULL,
        resolution TEXT NOT NULL,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        first_failed_at TEXT NOT NULL,
        last_tried_at TEXT NOT NULL,
        status TEXT NOT NULL,
        resolved_at TEXT
      );
      CREATE INDEX mms_failures_pair ON mms_failures (pair);
      CREATE TABLE mms_holes (
        pair TEXT NOT NULL,
        resolution TEXT NOT NULL,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX mms_holes_pair ON mms_holes (pair);
      CREATE TABLE mms_locks (
        pair TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );
    `);
    db.prepare("INSERT INTO mms_meta (key, value) VALUES ('resolution', ?)").run(resolution);
  },
  // 1 → 2: the raw candles beside the records. The value columns have no type: each keeps what is written,
  // a REAL, or TEXT for the digits a REAL would lose.
  (db) => {
    db.exec(`
      CREATE TABLE candles (
        pair TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        open NOT NULL,
        high NOT NULL,
        low NOT NULL,
        close NOT NULL,
        volume NOT NULL,
        PRIMARY KEY (pair, timestamp)
      ) WITHOUT ROWID;
    `);
  },
  // 2 → 3: the bars the source restated, for `mms gaps` to report.
  (db) => {
    db.exec(`
      CREATE TABLE mms_restated (
        pair TEXT NOT NULL,
        resolution TEXT NOT NULL,
        at_ts INTEGER NOT NULL,
        close_before TEXT NOT NULL,
        close_after TEXT NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX mms_restated_pair ON mms_restated (pair);
    `);
  },
  // 3 → 4: the run history.
  (db) => {
    db.exec(`
      CREATE TABLE mms_runs (
        id TEXT PRIMARY KEY,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        pairs TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        outcome TEXT,
        exit_code INTEGER,
        written INTEGER,
        requests INTEGER,
        error TEXT
      );
      CREATE INDEX mms_runs_started ON mms_runs (started_at);
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
