import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {TimeRange} from '../contracts/record.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {HeldLock} from '../contracts/state-store.js';
import {ConfigError} from '../errors/config-error.js';
import {UsageError} from '../errors/usage-error.js';
import type {Ledger} from '../state/ledger.js';
import {formatUtc} from '../time/format-utc.js';
import {checkPairs} from './check-pairs.js';
import type {AcquireRunLock} from './ingest-service.js';
import {assertHeld, throwIfInterrupted} from './run-guards.js';

/** One side of a copy: a config's sink with its ledger and locks, as its container builds them. */
export interface Store {
  readonly settings: PipelineSettings;
  readonly sink: Sink;
  readonly ledger: Ledger;
  readonly lock: AcquireRunLock;
  /** The fields its transforms write, e.g. mms_20: two stores must agree on them. */
  readonly fields: readonly string[];
  /** Bars of history its transforms need: the candles copied reach back that far before the first record. */
  readonly lookback: number;
}

export interface CopyOptions {
  readonly pairs?: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  /** Bars read (and written) at a time: memory holds one page, whatever the size of the store. */
  readonly pageBars?: number;
}

export interface CopyPairResult {
  readonly pair: string;
  /** Records read from the source (and, unless a dry run, upserted into the target). */
  readonly records: number;
  readonly first: string | null;
  readonly last: string | null;
  /** Pending ledger windows and recorded source holes carried over. */
  readonly pending: number;
  readonly holes: number;
  /** The source's records the target holds afterwards (not counted in a dry run). */
  readonly inTarget: number | null;
  /** Raw candles copied (those of the records and their look-back); null when either sink keeps none. */
  readonly candles: number | null;
}

export interface CopyResult {
  /** Every record of the source is in the target. */
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly resolution: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly pairs: CopyPairResult[];
}

const PAGE_BARS = 10_000;

/**
 * `mms copy`: moves a store's records, pending ledger windows and recorded holes into another config's sink,
 * through the Sink contract (any sink that reads can be a source), page by page, holding both stores'
 * locks. Upserts, so running it again changes nothing.
 */
export class CopyService {
  constructor(
    private readonly source: Store,
    private readonly target: Store,
  ) {
    // A file store names its file: the same one on both sides would only lock itself out (exit 5).
    const file = (store: Store) => (store.sink as {path?: unknown}).path;
    if (typeof file(source) === 'string' && file(source) === file(target)) {
      throw new UsageError(
        `${source.settings.file} and ${target.settings.file} name the same store, ${String(file(source))}: there is nothing to copy. Give --to a config whose sink is another store.`,
      );
    }
    checkCompatible(source, target);
  }

  async run(options: CopyOptions = {}): Promise<CopyResult> {
    const pairs = checkPairs(this.source.settings, options.pairs);
    const range: TimeRange = {from: options.from ?? 0, to: options.to ?? Number.MAX_SAFE_INTEGER};
    if (range.from > range.to) throw new UsageError(`--from ${formatUtc(range.from)} is after --until ${formatUtc(range.to)}.`);
    const locks: HeldLock[] = [];
    try {
      if (!options.dryRun) {
        locks.push(await this.source.lock('mms copy (source)', pairs));
        locks.push(await this.target.lock('mms copy (target)', pairs));
      }
      const ledger = await this.source.ledger.read();
      const {resolution} = this.source.settings;
      const results: CopyPairResult[] = [];
      for (const pair of pairs) {
        const result = await this.copyPair(pair, range, options, locks[1]);
        const entries = {
          failures: ledger.failures.filter((f) => f.pair === pair && f.resolution === resolution && f.status === 'pending' && overlaps(f, range)),
          holes: ledger.holes.filter((h) => h.pair === pair && h.resolution === resolution && overlaps(h, range)),
        };
        if (!options.dryRun && (entries.failures.length > 0 || entries.holes.length > 0)) {
          await assertHeld(locks[1]!, pair, "the target store's lock while this copy was stalled", 'What was copied is kept; run the copy again.');
          await this.target.ledger.adopt(entries, pair);
        }
        results.push({...result, pending: entries.failures.length, holes: entries.holes.length});
      }
      return {
        ok: results.every((r) => r.inTarget === null || r.inTarget === r.records),
        dryRun: options.dryRun ?? false,
        resolution: this.source.settings.resolution,
        from: options.from === undefined ? null : formatUtc(range.from),
        to: options.to === undefined ? null : formatUtc(range.to),
        pairs: results,
      };
    } finally {
      for (const lock of locks.reverse()) await lock.release();
    }
  }

  private async copyPair(
    pair: string,
    range: TimeRange,
    options: CopyOptions,
    targetLock: HeldLock | undefined,
  ): Promise<Omit<CopyPairResult, 'pending' | 'holes'>> {
    const step = resolutionSeconds(this.source.settings.resolution);
    const {sink} = this.source;
    const span = (options.pageBars ?? PAGE_BARS) * step;
    let records = 0;
    let inTarget = 0;
    let first: number | undefined;
    let last: number | undefined;
    const latest = await sink.latestTimestamp(pair);
    const earliest = latest === undefined ? undefined : await earliestTimestamp(sink, pair, range);
    if (latest !== undefined && earliest !== undefined) {
      for (let from = Math.max(range.from, earliest); from <= Math.min(range.to, latest); from += span) {
        throwIfInterrupted(options.signal, RUN_AGAIN);
        const page = {from, to: Math.min(range.to, latest, from + span - 1)};
        const rows = await sink.readRange(pair, page);
        if (rows.length === 0) continue;
        first ??= rows[0]!.timestamp;
        last = rows.at(-1)!.timestamp;
        records += rows.length;
        if (options.dryRun) continue;
        await assertHeld(targetLock!, pair, "the target store's lock while this copy was stalled", 'What was copied is kept; run the copy again.');
        await this.target.sink.upsert(rows);
        // Read back what this page wrote: the target must now hold every one of these bars.
        const stored = new Set(await this.target.sink.listTimestamps(pair, page));
        inTarget += rows.filter((row) => stored.has(row.timestamp)).length;
      }
    }
    const from = first === undefined ? undefined : first - (this.source.lookback - 1) * step;
    const candles = from === undefined ? 0 : await this.copyCandles(pair, {from, to: last!}, span, options, targetLock);
    return {
      pair,
      records,
      first: first === undefined ? null : formatUtc(first),
      last: last === undefined ? null : formatUtc(last),
      inTarget: options.dryRun ? null : inTarget,
      candles,
    };
  }

  /**
   * The raw candles of `range` (the records copied and their look-back), page by page, when both sinks keep
   * candles (null otherwise): the target can then prove its averages with `mms verify` as the source could.
   */
  private async copyCandles(pair: string, range: TimeRange, span: number, options: CopyOptions, targetLock: HeldLock | undefined): Promise<number | null> {
    const source = this.source.sink.candleStore?.();
    const target = this.target.sink.candleStore?.();
    if (source === undefined || target === undefined) return null;
    let copied = 0;
    for (let from = range.from; from <= range.to; from += span) {
      throwIfInterrupted(options.signal, RUN_AGAIN);
      const candles = await source.readCandles(pair, {from, to: Math.min(range.to, from + span - 1)});
      copied += candles.length;
      if (options.dryRun || candles.length === 0) continue;
      await assertHeld(targetLock!, pair, "the target store's lock while this copy was stalled", 'What was copied is kept; run the copy again.');
      await target.upsertCandles(pair, candles);
    }
    return copied;
  }
}

/** The two stores must hold the same kind of records: the same bar size and the same fields. */
function checkCompatible(source: Store, target: Store): void {
  const differences: string[] = [];
  if (source.settings.resolution !== target.settings.resolution) {
    differences.push(`resolution: ${source.settings.resolution} in ${source.settings.file}, ${target.settings.resolution} in ${target.settings.file}`);
  }
  const a = [...source.fields].sort();
  const b = [...target.fields].sort();
  if (a.join() !== b.join()) {
    const only = (x: string[], y: string[]) => x.filter((f) => !y.includes(f));
    differences.push(
      `fields (the transforms' windows): ${a.join(', ') || 'none'} in ${source.settings.file}, ${b.join(', ') || 'none'} in ${target.settings.file}` +
        ` (only in the source: ${only(a, b).join(', ') || 'none'}; only in the target: ${only(b, a).join(', ') || 'none'})`,
    );
  }
  if (differences.length > 0) {
    throw new ConfigError(
      `the two stores hold different records, so one cannot be copied into the other: ${differences.join('; ')}. Make the target's config match the source's.`,
    );
  }
}

/** Where a pair's records start: the sink's own answer when it has one, else the first listed timestamp. */
async function earliestTimestamp(sink: Sink, pair: string, range: TimeRange): Promise<number | undefined> {
  if (sink.earliestTimestamp) return sink.earliestTimestamp(pair);
  return (await sink.listTimestamps(pair, range))[0];
}

function overlaps(entry: TimeRange, range: TimeRange): boolean {
  return entry.to >= range.from && entry.from <= range.to;
}

const RUN_AGAIN = 'what was copied is kept: run the same copy again to finish it (it changes nothing already copied).';
