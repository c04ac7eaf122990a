import type {Clock} from '../core/contracts/clock.js';
import type {Logger} from '../core/contracts/logger.js';
import type {Sink} from '../core/contracts/sink.js';
import {DAY, MAX_AGE_DAYS, timeBounds} from './time-range-query.js';

/**
 * One pair's stored bars of the kept period, in columns: a year of minute bars (525,600) takes ~21 MB this
 * way, where an object per bar and per point took over 700 MB.
 */
interface PairSeries {
  /** Every stored bar, ascending. */
  readonly timestamps: Float64Array;
  /** `close` and each served field, NaN where the bar has no value. */
  readonly columns: ReadonlyMap<string, Float64Array>;
  /** Newest stored bar, whatever its fields. */
  readonly latest: number | undefined;
}

/** A point of `/{pair}/mms`. */
export interface Point {
  readonly timestamp: number;
  readonly mms: number;
}

/** A row of `/{pair}/records`: `timestamp`, `close` and each served field, null where a bar has no value. */
export type Row = Record<string, number | null>;

export interface CacheStatus {
  readonly reachable: boolean;
  readonly error?: string;
  readonly refreshedAt: string | undefined;
  readonly latest: ReadonlyMap<string, number | undefined>;
}

/** Distinct slices kept as answers (a year of one window is 365 small objects). */
const MAX_SLICES = 2000;
/** Days a reload reads: back to the oldest `from` the API accepts (MAX_AGE_DAYS before today), and two spare. */
const KEPT_DAYS = MAX_AGE_DAYS + 2;
/** Bars read from the store at a time: a long intraday series never sits in memory as records all at once. */
const PAGE_BARS = 10_000;

export interface SeriesCacheOptions {
  /** The length of a bar in seconds (the store's resolution): reloads read the store PAGE_BARS bars at a time. */
  readonly step?: number;
}

/**
 * The last year of each pair, in memory: every request is a binary search and a slice, never a store query.
 * Reloaded from the store every `refreshMs` (each server process on its own, so any number of them can sit
 * in front of one database) — skipped while the store says its data has not changed and the day is the
 * same; while a reload fails, the last good data keeps being served and /health says the store is
 * unreachable.
 */
export class SeriesCache {
  private series = new Map<string, PairSeries>();
  /** Answers of the current data, by pair, field (or rows) and slice; dropped at every reload. */
  private slices = new Map<string, readonly object[]>();
  private status: CacheStatus = {reachable: false, refreshedAt: undefined, latest: new Map()};
  private timer: NodeJS.Timeout | undefined;
  /** What the last good load was made of: the store's data version and the first day kept. */
  private loaded: {version: unknown; horizon: number} | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly pairs: readonly string[],
    /** The transforms' fields served (each row has `close` besides). */
    private readonly fields: readonly string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SeriesCacheOptions = {},
  ) {}

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The points of `field` for `pair` with from <= timestamp <= to (undefined before the first good load). */
  points(pair: string, field: string, from: number, to: number): readonly Point[] | undefined {
    const series = this.series.get(pair);
    if (!series) return undefined;
    const values = series.columns.get(field);
    if (!values) return [];
    return this.slice(`${pair}\u0000${field}`, series, from, to, (start, end) => {
      const points: Point[] = [];
      for (let i = start; i < end; i++) if (!Number.isNaN(values[i]!)) points.push({timestamp: series.timestamps[i]!, mms: values[i]!});
      return points;
    });
  }

  /**
   * The rows of `pair` with from <= timestamp <= to — `timestamp`, `close`, then the fields, `null` where a
   * bar has no value — (undefined before the first good load).
   */
  rows(pair: string, from: number, to: number): readonly Row[] | undefined {
    const series = this.series.get(pair);
    if (!series) return undefined;
    const columns = ['close', ...this.fields].map((name): [string, Float64Array | undefined] => [name, series.columns.get(name)]);
    // Keyed as a field with an empty name, which no field has.
    return this.slice(`${pair}\u0000`, series, from, to, (start, end) => {
      const rows: Row[] = [];
      for (let i = start; i < end; i++) {
        const row: Row = {timestamp: series.timestamps[i]!};
        for (const [name, values] of columns) {
          const value = values?.[i] ?? Number.NaN;
          row[name] = Number.isNaN(value) ? null : value;
        }
        rows.push(row);
      }
      return rows;
    });
  }

  /**
   * The bars of `series` with from <= timestamp <= to, made once per distinct slice (`key` names what is
   * sliced): clients ask for the same windows over and over (a chart, a dashboard).
   */
  private slice<T extends object>(key: string, series: PairSeries, from: number, to: number, make: (start: number, end: number) => T[]): readonly T[] {
    const start = firstAtOrAfter(series.timestamps, from);
    const end = firstAtOrAfter(series.timestamps, to + 1);
    const slice = `${key}\u0000${start}\u0000${end}`;
    let answer = this.slices.get(slice) as T[] | undefined;
    if (answer === undefined) {
      if (this.slices.size >= MAX_SLICES) this.slices.clear();
      answer = make(start, end);
      this.slices.set(slice, answer);
    }
    return answer;
  }

  health(): CacheStatus {
    return this.status;
  }

  /** Reloads from the store, unless a reload is under way already (then waits for that one). */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const horizon = timeBounds(this.clock).today - KEPT_DAYS * DAY;
    try {
      const version = await this.sink.dataVersion?.();
      // Unchanged data, same day, and the last reload went well: what is served is still the store's.
      if (this.status.reachable && this.loaded && version !== undefined && version === this.loaded.version && horizon === this.loaded.horizon) {
        this.status = {...this.status, refreshedAt: new Date(this.clock.now()).toISOString()};
        return;
      }
      const next = new Map<string, PairSeries>();
      for (const pair of this.pairs) next.set(pair, await this.load(pair, horizon));
      this.series = next;
      this.slices = new Map();
      this.loaded = {version, horizon};
      this.status = {reachable: true, refreshedAt: new Date(this.clock.now()).toISOString(), latest: new Map([...next].map(([p, s]) => [p, s.latest]))};
    } catch (error) {
      this.status = {...this.status, reachable: false, error: (error as Error).message};
      this.logger.error(`serve: cannot refresh from the store: ${(error as Error).message}`);
    }
  }

  /** One pair's bars from `horizon` on, read a page at a time into columns. */
  private async load(pair: string, horizon: number): Promise<PairSeries> {
    const names = ['close', ...this.fields];
    const pages: Array<{timestamps: Float64Array; columns: Float64Array[]}> = [];
    const latest = await this.sink.latestTimestamp(pair);
    const span = this.options.step === undefined ? Number.MAX_SAFE_INTEGER : PAGE_BARS * this.options.step;
    for (let from = horizon; latest !== undefined && from <= latest; from += span) {
      const records = await this.sink.readRange(pair, {from, to: Math.min(latest, from + span - 1)});
      pages.push({
        timestamps: Float64Array.from(records, (r) => r.timestamp),
        columns: names.map((name) => Float64Array.from(records, (r) => numberOrNaN(r[name]))),
      });
    }
    return {
      timestamps: concat(pages.map((p) => p.timestamps)),
      columns: new Map(names.map((name, i) => [name, concat(pages.map((p) => p.columns[i]!))])),
      latest,
    };
  }
}

function concat(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** A stored value as the API shows it: a finite number, or NaN (null, missing, not numeric) — shown as no value, never 0. */
function numberOrNaN(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
}

/** Index of the first bar with timestamp >= t (binary search). */
function firstAtOrAfter(timestamps: Float64Array, t: number): number {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (timestamps[mid]! < t) low = mid + 1;
    else high = mid;
  }
  return low;
}
