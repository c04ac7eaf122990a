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
/** Bars read from the store at a time: a long intraday series never sits in memory as records all at once. */
const PAGE_BARS = 10_000;
const EMPTY_LIST = Buffer.from('[]');

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
  /** Serialized answers of the current data, by pair, field (or rows) and slice; dropped at every reload. */
  private bodies = new Map<string, Buffer>();
  /** Bumped at every reload: answers remembered under an older generation are stale. */
  generation = 0;
  private status: CacheStatus = {reachable: false, refreshedAt: undefined, latest: new Map()};
  private timer: NodeJS.Timeout | undefined;
  /** What the last good load was made of: the store's data version and the first day kept. */
  private loaded: {version: unknown; horizon: number} | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly pairs: readonly string[],
    /** The `mms_<n>` fields served (each row has `close` besides). */
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

  /**
   * The points of `field` for `pair` with from <= timestamp <= to, as JSON bytes (undefined before the first
   * good load).
   */
  body(pair: string, field: string, from: number, to: number): Buffer | undefined {
    const series = this.series.get(pair);
    if (!series) return undefined;
    const values = series.columns.get(field);
    if (!values) return EMPTY_LIST;
    return this.sliceBody(`${pair}\u0000${field}`, series, from, to, (start, end) => pointsJson(series.timestamps, values, start, end));
  }

  /**
   * The rows of `pair` with from <= timestamp <= to — `timestamp`, `close`, then the fields, `null` where a
   * day has no value — as JSON bytes (undefined before the first good load).
   */
  rowsBody(pair: string, from: number, to: number): Buffer | undefined {
    const series = this.series.get(pair);
    if (!series) return undefined;
    const columns = ['close', ...this.fields].map((name): [string, Float64Array | undefined] => [JSON.stringify(name), series.columns.get(name)]);
    // Keyed as a field with an empty name: the fields are `mms_<n>`, never empty, so it is no field's key.
    return this.sliceBody(`${pair}\u0000`, series, from, to, (start, end) => rowsJson(series.timestamps, columns, start, end));
  }

  /**
   * The bars of `series` with from <= timestamp <= to as JSON bytes, serialized once per distinct slice
   * (`key` names what is sliced): clients ask for the same windows over and over (a chart, a dashboard), and
   * serializing 365 points is most of a request's cost.
   */
  private sliceBody(key: string, series: PairSeries, from: number, to: number, serialize: (start: number, end: number) => string): Buffer {
    const start = firstAtOrAfter(series.timestamps, from);
    const end = firstAtOrAfter(series.timestamps, to + 1);
    const slice = `${key}\u0000${start}\u0000${end}`;
    let body = this.bodies.get(slice);
    if (body === undefined) {
      if (this.bodies.size >= MAX_BODIES) this.bodies.clear();
      body = Buffer.from(serialize(start, end));
      this.bodies.set(slice, body);
    }
    return body;
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
      this.bodies = new Map();
      this.generation++;
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

/** `[{"timestamp":…,"mms":…}, …]` for the bars in [start, end) that have a value: the bytes JSON.stringify gives. */
function pointsJson(timestamps: Float64Array, values: Float64Array, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (!Number.isNaN(value)) parts.push(`{"timestamp":${timestamps[i]},"mms":${value}}`);
  }
  return `[${parts.join(',')}]`;
}

/**
 * `[{"timestamp":…,"close":…,"mms_20":…}, …]` for the bars in [start, end), null where a bar has no value;
 * `columns` are [the name as JSON, its values].
 */
function rowsJson(timestamps: Float64Array, columns: ReadonlyArray<[string, Float64Array | undefined]>, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end; i++) {
    let row = `{"timestamp":${timestamps[i]}`;
    for (const [name, values] of columns) {
      const value = values?.[i] ?? Number.NaN;
      row += `,${name}:${Number.isNaN(value) ? 'null' : value}`;
    }
    parts.push(`${row}}`);
  }
  return `[${parts.join(',')}]`;
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
