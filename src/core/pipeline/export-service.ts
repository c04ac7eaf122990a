import {inject, injectable} from 'inversify';
import {exactDecimal} from '../contracts/candle.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {Sink} from '../contracts/sink.js';
import type {Transform} from '../contracts/transform.js';
import {type ExportColumn, type ExportFormat, exportHeader, exportLines, type ExportValue} from '../export/export-format.js';
import {TOKENS} from '../tokens.js';
import {checkPairs} from './check-pairs.js';
import {throwIfInterrupted} from './run-guards.js';
import {candleStoreOf, StoredDerivation} from './stored-derivation.js';

export interface ExportOptions {
  readonly format: ExportFormat | 'parquet';
  readonly pairs?: readonly string[];
  readonly from?: number;
  readonly to?: number;
  /** The raw candles instead of the records. */
  readonly candles?: boolean;
  readonly signal?: AbortSignal;
  /** Bars read at a time: memory holds one page, whatever the size of the store. */
  readonly pageBars?: number;
}

export interface ExportPairResult {
  readonly pair: string;
  /** Rows exported (records, or candles with `candles`). */
  readonly rows: number;
}

const PAGE_BARS = 10_000;
const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * `mms export`: the records of a range (or the raw candles), sorted by pair and time, as text chunks of a
 * file — the header, then a page of rows at a time — so any size streams in constant memory. Columns are
 * named as in the store, with `date` (ISO, UTC) after `timestamp` (Unix seconds).
 */
@injectable()
export class ExportService {
  private readonly derivation: StoredDerivation;
  private readonly fields: readonly string[];

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Transforms) transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
  ) {
    this.derivation = new StoredDerivation(settings, transforms, sink);
    this.fields = transforms.flatMap((t) => t.fields);
  }

  /** The columns of the export, in order. */
  columns(options: Pick<ExportOptions, 'candles'>): ExportColumn[] {
    const key = [{name: 'pair'}, {name: 'timestamp'}, {name: 'date'}];
    if (options.candles) return [...key, ...VALUES.map((name) => ({name, decimal: true}))];
    return [...key, {name: 'close'}, ...this.fields.map((name) => ({name}))];
  }

  /** Checks what can be checked before anything is written (pairs, a sink keeping candles). */
  check(options: ExportOptions): void {
    checkPairs(this.settings, options.pairs);
    if (options.candles) candleStoreOf(this.sink, 'mms export --candles', 'export the records without --candles');
  }

  /** The file as text (CSV, NDJSON), chunk by chunk; `done` receives the rows per pair once the last chunk is out. */
  async *chunks(options: ExportOptions & {readonly format: ExportFormat}, done: (pairs: ExportPairResult[]) => void): AsyncGenerator<string> {
    const {format} = options;
    const columns = this.columns(options);
    yield exportHeader(format, columns);
    for await (const rows of this.rows(options, done)) yield exportLines(format, columns, rows);
  }

  /**
   * The rows of the export, a page at a time (never an empty one), by pair then time; `done` receives the
   * rows per pair after the last page.
   */
  async *rows(options: ExportOptions, done: (pairs: ExportPairResult[]) => void): AsyncGenerator<Array<Record<string, ExportValue>>> {
    this.check(options);
    const candles = options.candles ? candleStoreOf(this.sink, 'mms export --candles') : undefined;
    const date = this.settings.resolution === '1d' ? (t: number) => isoDay(t) : (t: number) => isoTime(t);
    const results: ExportPairResult[] = [];
    for (const pair of checkPairs(this.settings, options.pairs)) {
      let count = 0;
      for (const page of await this.pages(pair, options)) {
        throwIfInterrupted(options.signal, 'nothing was written at --out.');
        const rows: Array<Record<string, ExportValue>> = candles
          ? (await candles.readCandles(pair, page)).map((c) => ({
              pair,
              timestamp: c.timestamp,
              date: date(c.timestamp),
              ...Object.fromEntries(VALUES.map((key) => [key, exactDecimal(c, key)])),
            }))
          : (await this.sink.readRange(pair, page)).map((r) => ({...r, date: date(r.timestamp)}) as Record<string, ExportValue>);
        if (rows.length === 0) continue;
        count += rows.length;
        yield rows;
      }
      results.push({pair, rows: count});
    }
    done(results);
  }

  /** Pages over the stored records of `pair` (candles: from the first stored candle's look-back, too). */
  private async pages(pair: string, options: ExportOptions) {
    const pageBars = options.pageBars ?? PAGE_BARS;
    if (!options.candles) return this.derivation.pages(pair, options, pageBars);
    // Candles reach back before the first record (its look-back): from 0 unless --from says otherwise.
    const span = pageBars * this.derivation.step;
    const newest = await this.sink.latestTimestamp(pair);
    if (newest === undefined) return [];
    const to = Math.min(options.to ?? newest, newest);
    const first = options.from ?? (await this.firstCandle(pair, newest));
    const pages = [];
    for (let start = first ?? to + 1; start <= to; start += span) pages.push({from: start, to: Math.min(to, start + span - 1)});
    return pages;
  }

  /** The first stored candle of `pair`: at most a look-back before its first record. */
  private async firstCandle(pair: string, newest: number): Promise<number | undefined> {
    const record = await this.derivation.firstRecord(pair, newest);
    if (record === undefined) return undefined;
    const from = record - this.derivation.lookbackBars * this.derivation.step;
    const [candle] = await candleStoreOf(this.sink, 'mms export --candles').readCandles(pair, {from, to: record});
    return candle?.timestamp ?? record;
  }
}

function isoDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function isoTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}
