import type {DatabaseSync, SQLInputValue, StatementSync} from 'node:sqlite';
import {type Candle, type CandleStore, formatUtc, SinkError, type TimeRange} from '../../src/index.js';
import {candleFromStored, storedValue, unwrittenCandle} from '../../src/plugin-kit.js';
import {inTransaction} from './in-transaction.js';
import {withSqliteErrors} from './with-sqlite-errors.js';

/** Candles per multi-row INSERT. */
const ROWS_PER_STATEMENT = 50;
const COLUMNS = 7;

/** Writes the row of `candle` into `values` from `at`: pair, timestamp, then each value as a store keeps it. */
function put(values: SQLInputValue[], at: number, pair: string, candle: Candle): void {
  values[at] = pair;
  values[at + 1] = candle.timestamp;
  values[at + 2] = storedValue(candle, 'open');
  values[at + 3] = storedValue(candle, 'high');
  values[at + 4] = storedValue(candle, 'low');
  values[at + 5] = storedValue(candle, 'close');
  values[at + 6] = storedValue(candle, 'volume');
}

interface CandleRow {
  timestamp: number;
  open: number | string;
  high: number | string;
  low: number | string;
  close: number | string;
  volume: number | string;
}

/** The raw candles in the `candles` table of the store: each value a REAL, or the decimal TEXT a REAL cannot hold. */
export class SqliteCandleStore implements CandleStore {
  private readonly statements = new Map<string, StatementSync>();
  /** The connection the statements were prepared on: the sink opens a new one after a close. */
  private preparedOn: DatabaseSync | undefined;

  constructor(
    private readonly path: string,
    private readonly step: number,
    private readonly db: () => DatabaseSync,
  ) {}

  async upsertCandles(pair: string, candles: readonly Candle[]): Promise<void> {
    if (candles.length === 0) return;
    const db = this.db();
    const many = this.upsertStatement(ROWS_PER_STATEMENT);
    const one = this.upsertStatement(1);
    this.run('write candles', () =>
      inTransaction(db, () => {
        const values: SQLInputValue[] = new Array(ROWS_PER_STATEMENT * COLUMNS);
        let i = 0;
        for (; i + ROWS_PER_STATEMENT <= candles.length; i += ROWS_PER_STATEMENT) {
          for (let row = 0; row < ROWS_PER_STATEMENT; row++) put(values, row * COLUMNS, pair, candles[i + row]!);
          many.run(...values);
        }
        const single: SQLInputValue[] = new Array(COLUMNS);
        for (; i < candles.length; i++) {
          put(single, 0, pair, candles[i]!);
          one.run(...single);
        }
      }),
    );
  }

  async readCandles(pair: string, range: TimeRange): Promise<Candle[]> {
    const statement = this.statement(
      'SELECT timestamp, open, high, low, close, volume FROM candles WHERE pair = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp',
    );
    const rows = this.run('read candles', () => statement.all(pair, range.from, range.to)) as unknown as CandleRow[];
    return rows.map((row) => {
      const wrong = unwrittenCandle(row.timestamp, row, this.step);
      if (wrong) {
        const day = typeof row.timestamp === 'number' ? formatUtc(row.timestamp) : String(row.timestamp);
        throw new SinkError(
          `sqlite: ${this.path}: the candle of ${pair} ${day} in table candles has ${wrong}. Fix the row (UPDATE candles SET …), or delete it and load that day again.`,
        );
      }
      return candleFromStored(row.timestamp, row);
    });
  }

  /** An upsert of `rows` candles at once: one call into SQLite per 50 rows costs well under half of 50 calls. */
  private upsertStatement(rows: number): StatementSync {
    return this.statement(
      `INSERT INTO candles (pair, timestamp, open, high, low, close, volume) VALUES ${new Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')} ` +
        'ON CONFLICT (pair, timestamp) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume',
    );
  }

  private statement(sql: string): StatementSync {
    const db = this.db();
    if (db !== this.preparedOn) {
      this.statements.clear();
      this.preparedOn = db;
    }
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.run('prepare a query', () => db.prepare(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run<T>(action: string, work: () => T): T {
    return withSqliteErrors(this.path, action, work);
  }
}
