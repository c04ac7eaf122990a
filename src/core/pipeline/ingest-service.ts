import {inject, injectable} from 'inversify';
import type {ResolvedConfig} from '../../config/config-schema.js';
import type {Candle} from '../contracts/candle.js';
import type {Clock} from '../contracts/clock.js';
import type {Logger} from '../contracts/logger.js';
import type {MmsRecord} from '../contracts/record.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {Source} from '../contracts/source.js';
import type {Transform} from '../contracts/transform.js';
import {SourceError, type SourceErrorKind} from '../errors/source-error.js';
import {UsageError} from '../errors/usage-error.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import {lastCompleteBar} from '../time/last-complete-bar.js';
import {buildBarSeries} from './build-bar-series.js';
import {type PairWindow, planIngest} from './plan-ingest.js';

export interface IngestOptions {
  readonly pairs?: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: IngestProgress) => void;
}

export interface IngestProgress {
  readonly pair: string;
  readonly fetchedUpTo: number;
  readonly to: number;
  readonly fetchFrom: number;
}

export interface PairPlan {
  readonly pair: string;
  readonly from: string;
  readonly to: string;
  readonly fetchFrom: string;
  readonly upToDate: boolean;
  readonly bars: number;
  readonly requests: number;
  readonly fields: readonly string[];
}

export interface PairResult {
  readonly pair: string;
  readonly status: 'written' | 'up-to-date' | 'failed';
  readonly from: string;
  readonly to: string;
  /** Records upserted (one per bar that had a candle). */
  readonly written: number;
  readonly firstWritten: string | null;
  readonly lastWritten: string | null;
  /** Bars of [from, to] the source returned no candle for. */
  readonly missing: readonly string[];
  readonly requests: number;
  readonly error?: {readonly kind: SourceErrorKind; readonly message: string};
}

export interface IngestResult {
  readonly ok: boolean;
  readonly resolution: string;
  readonly pairs: PairResult[];
}

/** The ingest pipeline: source → transforms → sink, pair by pair, streaming page by page. */
@injectable()
export class IngestService {
  private readonly step: number;
  private readonly lookback: number;

  constructor(
    @inject(TOKENS.Config) private readonly config: ResolvedConfig,
    @inject(TOKENS.Source) private readonly source: Source,
    @inject(TOKENS.Transforms) private readonly transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {
    this.step = resolutionSeconds(config.resolution);
    this.lookback = Math.max(1, ...transforms.map((t) => t.lookback));
  }

  async plan(options: IngestOptions = {}): Promise<PairPlan[]> {
    const windows = await this.windows(options);
    return windows.map((w) => ({
      pair: w.pair,
      from: formatUtc(w.from),
      to: formatUtc(w.to),
      fetchFrom: formatUtc(w.fetchFrom),
      upToDate: w.upToDate,
      bars: w.upToDate ? 0 : (w.to - w.fetchFrom) / this.step + 1,
      requests: w.upToDate ? 0 : this.source.plan(this.query(w)).requests,
      fields: this.transforms.flatMap((t) => t.fields),
    }));
  }

  async run(options: IngestOptions = {}): Promise<IngestResult> {
    const results: PairResult[] = [];
    for (const window of await this.windows(options)) {
      results.push(await this.ingestPair(window, options));
    }
    return {ok: results.every((r) => r.status !== 'failed'), resolution: this.config.resolution, pairs: results};
  }

  private async windows(options: IngestOptions): Promise<PairWindow[]> {
    const pairs = options.pairs ?? this.config.pairs;
    const unknown = pairs.filter((p) => !this.config.pairs.includes(p));
    if (unknown.length > 0) {
      throw new UsageError(`--pairs: ${unknown.join(', ')} not in the config's pairs (${this.config.pairs.join(', ')}); add it to "pairs" in ${this.config.file} first.`);
    }
    const lastComplete = lastCompleteBar(this.clock.now(), this.step);
    const windows: PairWindow[] = [];
    for (const pair of pairs) {
      windows.push(
        planIngest({
          pair,
          step: this.step,
          lookback: this.lookback,
          lastComplete,
          latestStored: options.from === undefined ? await this.sink.latestTimestamp(pair) : undefined,
          initialBars: this.config.initialBars,
          from: options.from,
          to: options.to,
        }),
      );
    }
    return windows;
  }

  private query(w: PairWindow) {
    return {pair: w.pair, resolution: this.config.resolution, from: w.fetchFrom, to: w.to};
  }

  private async ingestPair(w: PairWindow, options: IngestOptions): Promise<PairResult> {
    const base = {pair: w.pair, from: formatUtc(w.from), to: formatUtc(w.to)};
    if (w.upToDate) {
      return {...base, status: 'up-to-date', written: 0, firstWritten: null, lastWritten: null, missing: [], requests: 0};
    }
    const {step, lookback} = this;
    let carry: Candle[] = [];
    let gridStart = w.fetchFrom;
    let lastSeen = w.fetchFrom - step;
    let written = 0;
    let requests = 0;
    let firstWritten: number | undefined;
    let lastWritten: number | undefined;
    const writtenBars = new Set<number>();
    try {
      for await (const page of this.source.candles({...this.query(w), signal: options.signal})) {
        requests += page.requests;
        // Pages must move forward; anything at or before what we have, or past `to`, is ignored.
        const fresh = page.candles.filter((c) => c.timestamp > lastSeen && c.timestamp <= w.to);
        if (fresh.length === 0) continue;
        const candles = carry.length > 0 ? carry.concat(fresh) : fresh;
        const records = this.computeRecords(w, gridStart, candles, fresh);
        await this.sink.upsert(records);
        for (const r of records) writtenBars.add(r.timestamp);
        written += records.length;
        if (records.length > 0) {
          firstWritten ??= records[0]!.timestamp;
          lastWritten = records.at(-1)!.timestamp;
        }
        lastSeen = fresh.at(-1)!.timestamp;
        // Keep just the bars the next page's windows reach back to.
        gridStart = Math.max(w.fetchFrom, lastSeen - (lookback - 2) * step);
        carry = candles.filter((c) => c.timestamp >= gridStart);
        options.onProgress?.({pair: w.pair, fetchedUpTo: lastSeen, to: w.to, fetchFrom: w.fetchFrom});
      }
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      this.logger.error(error.message);
      return {
        ...base,
        status: 'failed',
        written,
        firstWritten: firstWritten === undefined ? null : formatUtc(firstWritten),
        lastWritten: lastWritten === undefined ? null : formatUtc(lastWritten),
        missing: [],
        requests,
        error: {kind: error.kind, message: error.message},
      };
    }
    const missing: string[] = [];
    for (let t = w.from; t <= w.to; t += step) if (!writtenBars.has(t)) missing.push(formatUtc(t));
    if (missing.length > 0) {
      this.logger.warn(`${w.pair}: the source has no candle for ${missing.length} bar(s) of ${base.from}..${base.to}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
    }
    return {
      ...base,
      status: 'written',
      written,
      firstWritten: firstWritten === undefined ? null : formatUtc(firstWritten),
      lastWritten: lastWritten === undefined ? null : formatUtc(lastWritten),
      missing,
      requests,
    };
  }

  /** Records for the `fresh` candles inside [from, to], with every transform's fields (NaN → null). */
  private computeRecords(w: PairWindow, gridStart: number, candles: readonly Candle[], fresh: readonly Candle[]): MmsRecord[] {
    const series = buildBarSeries(w.pair, this.config.resolution, gridStart, this.step, candles);
    const fields = series.fields as Map<string, Float64Array>;
    for (const transform of this.transforms) {
      for (const [name, column] of transform.apply(series)) fields.set(name, column);
    }
    const columns = [...fields];
    const records: MmsRecord[] = [];
    for (const candle of fresh) {
      if (candle.timestamp < w.from) continue;
      const slot = (candle.timestamp - gridStart) / this.step;
      const record: Record<string, string | number | null> = {pair: w.pair, timestamp: candle.timestamp, close: candle.close};
      for (const [name, column] of columns) {
        const value = column[slot]!;
        record[name] = Number.isFinite(value) ? value : null;
      }
      records.push(record as MmsRecord);
    }
    return records;
  }
}
