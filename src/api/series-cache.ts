import type {Clock} from '../core/contracts/clock.js';
import type {Logger} from '../core/contracts/logger.js';
import type {MmsRecord} from '../core/contracts/record.js';
import type {Sink} from '../core/contracts/sink.js';
import {DAY, MAX_AGE_DAYS, timeBounds} from './time-range-query.js';

export interface Point {
  readonly timestamp: number;
  readonly mms: number;
}

/** One stored day as GET /:pair/records answers it: the close and each field, `null` where there is no value. */
export interface Row {
  readonly timestamp: number;
  readonly [column: string]: number | null;
}

interface PairSeries {
  /** Per field: the points with a value, ascending (days without one are simply absent). */
  readonly fields: ReadonlyMap<string, readonly Point[]>;
  /** Every stored day, ascending, with `close` and the fields. */
  readonly rows: readonly Row[];
  /** Newest stored bar, whatever its fields. */
  readonly latest: number | undefined;
}

export interface CacheStatus {
  readonly reachable: boolean;
  readonly error?: string;
  readonly refreshedAt: string | undefined;
  readonly latest: ReadonlyMap<string, number | undefined>;
}

/** Distinct answers kept serialized (each at most ~17 KB for a year of one window). */
const MAX_BODIES = 2000;
/** Days a reload reads: back to the oldest `from` the API accepts (MAX_AGE_DAYS before today), and two spare. */
const KEPT_DAYS = MAX_AGE_DAYS + 2;
const EMPTY_LIST = Buffer.from('[]');

/**
 * The last year of each pair, in memory: a daily series is tiny (365 points per window), so every request
 * is a binary search and a slice, never a store query. Reloaded from the store every `refreshMs` (each
 * server process on its own, so any number of them can sit in front of one database); while a reload
 * fails, the last good data keeps being served and /health says the store is unreachable.
 */
export class SeriesCache {
  private series = new Map<string, PairSeries>();
  /** Serialized answers of the current data, by pair, field (or rows) and slice; dropped at every reload. */
  private bodies = new Map<string, Buffer>();
  /** Bumped at every reload: answers remembered under an older generation are stale. */
  generation = 0;
  private status: CacheStatus = {reachable: false, refreshedAt: undefined, latest: new Map()};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly pairs: readonly string[],
    /** The `mms_<n>` fields served (each row has `close` besides). */
    private readonly fields: readonly string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The points of `field` for `pair` with from <= timestamp <= to, as JSON bytes (undefined before the first
   * good load).
   */
  body(pair: string, field: string, from: number, to: number): Buffer | undefined {
    const points = this.series.get(pair)?.fields.get(field);
    if (!points) return this.series.has(pair) ? EMPTY_LIST : undefined;
    return this.sliceBody(`${pair}\u0000${field}`, points, from, to);
  }

  /**
   * The rows of `pair` with from <= timestamp <= to — `timestamp`, `close`, then the fields, `null` where a
   * day has no value — as JSON bytes (undefined before the first good load).
   */
  rowsBody(pair: string, from: number, to: number): Buffer | undefined {
    const rows = this.series.get(pair)?.rows;
    // Keyed as a field with an empty name: the fields are `mms_<n>`, never empty, so it is no field's key.
    return rows && this.sliceBody(`${pair}\u0000`, rows, from, to);
  }

  /**
   * The items of `series` with from <= timestamp <= to as JSON bytes, serialized and encoded once per
   * distinct slice (`series` names what is sliced): clients ask for the same windows over and over (a chart,
   * a dashboard), and serializing 365 points — or even encoding their 17 KB of text — is most of a
   * request's cost.
   */
  private sliceBody(series: string, items: readonly {readonly timestamp: number}[], from: number, to: number): Buffer {
    const start = firstAtOrAfter(items, from);
    const end = firstAtOrAfter(items, to + 1);
    const key = `${series}\u0000${start}\u0000${end}`;
    let body = this.bodies.get(key);
    if (body === undefined) {
      if (this.bodies.size >= MAX_BODIES) this.bodies.clear();
      body = Buffer.from(JSON.stringify(items.slice(start, end)));
      this.bodies.set(key, body);
    }
    return body;
  }

  health(): CacheStatus {
    return this.status;
  }

  async refresh(): Promise<void> {
    const horizon = timeBounds(this.clock).today - KEPT_DAYS * DAY;
    try {
      const next = new Map<string, PairSeries>();
      for (const pair of this.pairs) {
        const records = await this.sink.readRange(pair, {from: horizon, to: Number.MAX_SAFE_INTEGER});
        // The range reaches the newest record whenever there is one this recent; only an older store is asked.
        const latest = records.at(-1)?.timestamp ?? (await this.sink.latestTimestamp(pair));
        next.set(pair, {fields: new Map(this.fields.map((field) => [field, pointsOf(records, field)])), rows: rowsOf(records, this.fields), latest});
      }
      this.series = next;
      this.bodies = new Map();
      this.generation++;
      this.status = {reachable: true, refreshedAt: new Date(this.clock.now()).toISOString(), latest: new Map([...next].map(([p, s]) => [p, s.latest]))};
    } catch (error) {
      this.status = {...this.status, reachable: false, error: (error as Error).message};
      this.logger.error(`serve: cannot refresh from the store: ${(error as Error).message}`);
    }
  }
}

function pointsOf(records: readonly MmsRecord[], field: string): Point[] {
  const points: Point[] = [];
  for (const record of records) {
    const value = numberOrNull(record[field]);
    if (value !== null) points.push({timestamp: record.timestamp, mms: value});
  }
  return points;
}

function rowsOf(records: readonly MmsRecord[], fields: readonly string[]): Row[] {
  const columns = ['close', ...fields];
  return records.map((record) => {
    const row: Record<string, number | null> = {timestamp: record.timestamp};
    for (const column of columns) row[column] = numberOrNull(record[column]);
    return row as Row;
  });
}

/** A stored value as the API shows it: a finite number, or null (missing, null, or not numeric) — never 0. */
function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Index of the first point (or row) with timestamp >= t (binary search). */
function firstAtOrAfter(points: readonly {readonly timestamp: number}[], t: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid]!.timestamp < t) low = mid + 1;
    else high = mid;
  }
  return low;
}
