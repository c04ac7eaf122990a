import type {CandleStore} from '../contracts/candle-store.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {MmsRecord, TimeRange} from '../contracts/record.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {Transform} from '../contracts/transform.js';
import {UsageError} from '../errors/usage-error.js';
import {buildRecords} from './build-records.js';
import {compareRecords} from './compare-records.js';

/** What a rewrite of a page did (or, not writing, would do). */
export interface Rewrite {
  /** Stored records in the page, and the first and last of them. */
  readonly records: number;
  readonly first?: number;
  readonly last?: number;
  /** Records whose values differed from what their candles give, and the values that did. */
  readonly changed: number;
  readonly values: number;
  /** Records without a stored candle, left as they are. */
  readonly withoutCandle: readonly number[];
}

/**
 * What `mms verify`, `mms recompute` and the repair of restated candles share: the records the stored candles give, exactly as a run
 * computes them, for a store's range of bars read page by page.
 */
export class StoredDerivation {
  readonly step: number;
  readonly fields: readonly string[];
  private readonly lookback: number;

  /** Bars of history the transforms need before a bar (the look-back the stored candles reach). */
  get lookbackBars(): number {
    return this.lookback - 1;
  }

  constructor(
    private readonly settings: PipelineSettings,
    private readonly transforms: readonly Transform[],
    private readonly sink: Sink,
  ) {
    this.step = resolutionSeconds(settings.resolution);
    this.lookback = Math.max(1, ...transforms.map((t) => t.lookback));
    this.fields = transforms.flatMap((t) => t.fields);
  }

  /**
   * The pages of at most `pageBars` bars covering the stored records of `pair` within `from..to` (default:
   * all of them), ascending; none for a pair with no record.
   */
  async pages(pair: string, options: {from?: number; to?: number}, pageBars: number): Promise<TimeRange[]> {
    const newest = await this.sink.latestTimestamp(pair);
    if (newest === undefined) return [];
    const from = options.from ?? (await this.firstRecord(pair, newest));
    if (from === undefined) return [];
    const to = Math.min(options.to ?? newest, newest);
    const span = pageBars * this.step;
    const pages: TimeRange[] = [];
    for (let start = from; start <= to; start += span) pages.push({from: start, to: Math.min(to, start + span - 1)});
    return pages;
  }

  /** The records the stored candles give for the bars of `page` (their look-back read too), by timestamp. */
  async derive(pair: string, candles: CandleStore, page: TimeRange): Promise<Map<number, MmsRecord>> {
    const gridStart = page.from - (this.lookback - 1) * this.step;
    const stored = await candles.readCandles(pair, {from: gridStart, to: page.to});
    const grid = {pair, resolution: this.settings.resolution, step: this.step, from: page.from, gridStart};
    return new Map(buildRecords(grid, this.transforms, stored, stored).map((r) => [r.timestamp, r]));
  }

  /**
   * Rewrites the records of `pair` in `page` whose values differ from what the stored candles give (never a
   * day without a record); `write` false only counts them.
   */
  async rewrite(pair: string, candles: CandleStore, page: TimeRange, write: boolean): Promise<Rewrite> {
    const stored = await this.sink.readRange(pair, page);
    if (stored.length === 0) return {records: 0, changed: 0, values: 0, withoutCandle: []};
    const derived = await this.derive(pair, candles, page);
    const comparison = compareRecords(stored, derived, this.fields);
    const days = new Set(comparison.mismatches.map((m) => m.timestamp));
    const records = [...days].map((day) => derived.get(day)!);
    if (write && records.length > 0) await this.sink.upsert(records);
    return {
      records: stored.length,
      first: stored[0]!.timestamp,
      last: stored.at(-1)!.timestamp,
      changed: records.length,
      values: comparison.mismatches.length,
      withoutCandle: comparison.withoutCandle,
    };
  }

  /** The open time of the first stored record of `pair` (`newest`: of its last). */
  async firstRecord(pair: string, newest: number): Promise<number | undefined> {
    if (this.sink.earliestTimestamp) return this.sink.earliestTimestamp(pair);
    return (await this.sink.listTimestamps(pair, {from: 0, to: newest}))[0];
  }
}

/** The sink's candle store, or the error that says `command` needs one and which sinks keep one. */
export function candleStoreOf(sink: Sink, command: string, alternative?: string): CandleStore {
  const store = sink.candleStore?.();
  if (!store) {
    throw new UsageError(
      `${command} re-derives the averages from the stored candles, and the ${sink.name} sink keeps none. Use a sink that keeps them (sqlite, the default, or mongodb): \`mms copy --to <config>\` moves the records, and a backfill (\`mms ingest --from <day>\`) stores their candles${alternative ? `; ${alternative}` : ''}.`,
    );
  }
  return store;
}
