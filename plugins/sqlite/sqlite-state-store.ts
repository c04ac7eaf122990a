import type {DatabaseSync} from 'node:sqlite';
import {type FailedWindow, type LedgerState, type RestatedBar, RUNS_KEPT, type RunRecord, type SourceHole, type StateStore} from '../../src/index.js';
import {inTransaction} from './in-transaction.js';
import {withSqliteErrors} from './with-sqlite-errors.js';

interface FailureRow {
  pair: string;
  resolution: FailedWindow['resolution'];
  from_ts: number;
  to_ts: number;
  kind: FailedWindow['kind'];
  message: string;
  attempts: number;
  first_failed_at: string;
  last_tried_at: string;
  status: FailedWindow['status'];
  resolved_at: string | null;
}

interface RestatedRow {
  pair: string;
  resolution: RestatedBar['resolution'];
  at_ts: number;
  close_before: string;
  close_after: string;
  seen_at: string;
}

interface HoleRow {
  pair: string;
  resolution: SourceHole['resolution'];
  from_ts: number;
  to_ts: number;
  seen_at: string;
}

/**
 * The ledger in the `mms_failures`, `mms_holes` and `mms_restated` tables of the store, so it lives and is backed up with
 * the data. A save replaces the rows of the pairs it names in one transaction; other pairs' rows stay.
 */
export class SqliteStateStore implements StateStore {
  readonly location: string;

  constructor(
    private readonly path: string,
    private readonly db: () => DatabaseSync,
  ) {
    this.location = `${path} (tables mms_failures, mms_holes, mms_restated)`;
  }

  async load(): Promise<LedgerState> {
    return withSqliteErrors(this.path, 'read the ledger', () => {
      const db = this.db();
      // rowid keeps each pair's entries in the order they were saved.
      const failures = db.prepare('SELECT * FROM mms_failures ORDER BY pair, rowid').all() as unknown as FailureRow[];
      const holes = db.prepare('SELECT * FROM mms_holes ORDER BY pair, rowid').all() as unknown as HoleRow[];
      const restated = db.prepare('SELECT * FROM mms_restated ORDER BY pair, rowid').all() as unknown as RestatedRow[];
      return {
        version: 1 as const,
        failures: failures.map(toFailure),
        holes: holes.map(toHole),
        ...(restated.length > 0 ? {restated: restated.map(toRestated)} : {}),
      };
    });
  }

  async recordRun(run: RunRecord): Promise<void> {
    withSqliteErrors(this.path, 'record the run', () => {
      const db = this.db();
      inTransaction(db, () => {
        db.prepare(
          'INSERT INTO mms_runs (id, command, args, pairs, host, pid, started_at, ended_at, outcome, exit_code, written, requests, error) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, outcome = excluded.outcome, ' +
            'exit_code = excluded.exit_code, written = excluded.written, requests = excluded.requests, error = excluded.error',
        ).run(
          run.id,
          run.command,
          JSON.stringify(run.args),
          JSON.stringify(run.pairs),
          run.host,
          run.pid,
          run.startedAt,
          run.endedAt ?? null,
          run.outcome ?? null,
          run.exitCode ?? null,
          run.written ?? null,
          run.requests ?? null,
          run.error ?? null,
        );
        db.prepare('DELETE FROM mms_runs WHERE id NOT IN (SELECT id FROM mms_runs ORDER BY started_at DESC, id DESC LIMIT ?)').run(RUNS_KEPT);
      });
    });
  }

  async runs(limit: number): Promise<RunRecord[]> {
    return withSqliteErrors(this.path, 'read the run history', () =>
      (this.db().prepare('SELECT * FROM mms_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as unknown as RunRow[]).map(toRun),
    );
  }

  async save(state: LedgerState, pairs: readonly string[]): Promise<void> {
    withSqliteErrors(this.path, 'save the ledger', () => {
      const db = this.db();
      inTransaction(db, () => {
        const insertFailure = db.prepare(
          'INSERT INTO mms_failures (pair, resolution, from_ts, to_ts, kind, message, attempts, first_failed_at, last_tried_at, status, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
        const insertHole = db.prepare('INSERT INTO mms_holes (pair, resolution, from_ts, to_ts, seen_at) VALUES (?, ?, ?, ?, ?)');
        const insertRestated = db.prepare('INSERT INTO mms_restated (pair, resolution, at_ts, close_before, close_after, seen_at) VALUES (?, ?, ?, ?, ?, ?)');
        for (const pair of pairs) {
          db.prepare('DELETE FROM mms_failures WHERE pair = ?').run(pair);
          db.prepare('DELETE FROM mms_holes WHERE pair = ?').run(pair);
          db.prepare('DELETE FROM mms_restated WHERE pair = ?').run(pair);
          for (const f of state.failures) {
            if (f.pair === pair)
              insertFailure.run(
                f.pair,
                f.resolution,
                f.from,
                f.to,
                f.kind,
                f.message,
                f.attempts,
                f.firstFailedAt,
                f.lastTriedAt,
                f.status,
                f.resolvedAt ?? null,
              );
          }
          for (const h of state.holes) if (h.pair === pair) insertHole.run(h.pair, h.resolution, h.from, h.to, h.seenAt);
          for (const r of state.restated ?? []) {
            if (r.pair === pair) insertRestated.run(r.pair, r.resolution, r.at, r.closeBefore, r.closeAfter, r.seenAt);
          }
        }
      });
    });
  }
}

interface RunRow {
  id: string;
  command: string;
  args: string;
  pairs: string;
  host: string;
  pid: number;
  started_at: string;
  ended_at: string | null;
  outcome: RunRecord['outcome'] | null;
  exit_code: number | null;
  written: number | null;
  requests: number | null;
  error: string | null;
}

function toRun(row: RunRow): RunRecord {
  const optional = {endedAt: row.ended_at, outcome: row.outcome, exitCode: row.exit_code, written: row.written, requests: row.requests, error: row.error};
  return {
    id: row.id,
    command: row.command,
    args: JSON.parse(row.args) as string[],
    pairs: JSON.parse(row.pairs) as string[],
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
  };
}

function toFailure(row: FailureRow): FailedWindow {
  return {
    pair: row.pair,
    resolution: row.resolution,
    from: row.from_ts,
    to: row.to_ts,
    kind: row.kind,
    message: row.message,
    attempts: row.attempts,
    firstFailedAt: row.first_failed_at,
    lastTriedAt: row.last_tried_at,
    status: row.status,
    ...(row.resolved_at === null ? {} : {resolvedAt: row.resolved_at}),
  };
}

function toHole(row: HoleRow): SourceHole {
  return {pair: row.pair, resolution: row.resolution, from: row.from_ts, to: row.to_ts, seenAt: row.seen_at};
}

function toRestated(row: RestatedRow): RestatedBar {
  return {pair: row.pair, resolution: row.resolution, at: row.at_ts, closeBefore: row.close_before, closeAfter: row.close_after, seenAt: row.seen_at};
}
