import {inject, injectable} from 'inversify';
import {type Candle, exactDecimal} from '../contracts/candle.js';
import type {CandleStore} from '../contracts/candle-store.js';
import type {Clock} from '../contracts/clock.js';
import type {Logger} from '../contracts/logger.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {HeldLock} from '../contracts/state-store.js';
import type {Source} from '../contracts/source.js';
import type {Transform} from '../contracts/transform.js';
import {isSourceError, SourceError} from '../errors/source-error.js';
import {SinkError} from '../errors/sink-error.js';
import {TOKENS} from '../tokens.js';
import {LOCK_STALE_MS} from '../state/lock-holder.js';
import type {Ledger} from '../state/ledger.js';
import {formatUtc} from '../time/format-utc.js';
import {lastCompleteBar} from '../time/last-complete-bar.js';
import {buildRecords} from './build-records.js';
import {StoredDerivation} from './stored-derivation.js';
import {checkPairs} from './check-pairs.js';
import {type PairResult, PairTally} from './pair-tally.js';
import {type PairWindow, planIngest} from './plan-ingest.js';
import {assertHeld, throwIfInterrupted} from './run-guards.js';

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

/** Takes the locks of the (sink, pair) partitions one writing run will write (see `Sink.lock`). */
export type AcquireRunLock = (command: string, pairs: readonly string[]) => Promise<HeldLock>;

export interface IngestResult {
  readonly ok: boolean;
  readonly resolution: string;
  readonly pairs: PairResult[];
}

/** A stored candle and the one the source gives for the same bar now. */
interface Restatement {
  readonly before: Candle;
  readonly after: Candle;
}

/** Whether two candles hold the same values, to the last digit received. */
function sameCandle(a: Candle, b: Candle): boolean {
  return (['open', 'high', 'low', 'close', 'volume'] as const).every((key) => exactDecimal(a, key) === exactDecimal(b, key));
}

/** The ingest pipeline: source → transforms → sink, pair by pair, streaming page by page. */
@injectable()
export class IngestService {
  private readonly step: number;
  private readonly lookback: number;
  private readonly candles: CandleStore | undefined;
  private readonly derivation: StoredDerivation;
  /** The look-back fetched before a window: the transforms' need, or the bars rechecked if more. */
  private readonly fetchLookback: number;

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Source) private readonly source: Source,
    @inject(TOKENS.Transforms) private readonly transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.RunLock) private readonly lock: AcquireRunLock,
  ) {
    this.step = resolutionSeconds(settings.resolution);
    this.lookback = Math.max(1, ...transforms.map((t) => t.lookback));
    this.candles = sink.candleStore?.();
    this.derivation = new StoredDerivation(settings, transforms, sink);
    this.fetchLookback = Math.max(this.lookback, settings.recheckBars + 1);
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
    const lock = await this.lock('mms ingest', checkPairs(this.settings, options.pairs));
    try {
      const results: PairResult[] = [];
      for (const window of await this.windows(options)) results.push(await this.ingestWindow(window, options, lock));
      return {ok: results.every((r) => r.status !== 'failed'), resolution: this.settings.resolution, pairs: results};
    } finally {
      await lock.release();
    }
  }

  /** The window of a backfill of `[from, to]` for one pair (what `mms retry` replays). */
  backfillWindow(pair: string, from: number, to: number): PairWindow {
    return planIngest({
      pair,
      step: this.step,
      lookback: this.fetchLookback,
      lastComplete: lastCompleteBar(this.clock.now(), this.step),
      latestStored: undefined,
      initialBars: this.settings.initialBars,
      from,
      to,
    });
  }

  private async windows(options: IngestOptions): Promise<PairWindow[]> {
    const pairs = checkPairs(this.settings, options.pairs);
    const lastComplete = lastCompleteBar(this.clock.now(), this.step);
    const windows: PairWindow[] = [];
    for (const pair of pairs) {
      const latestStored = await this.sink.latestTimestamp(pair);
      if (latestStored !== undefined && latestStored % this.step !== 0) {
        throw new SinkError(
          `${pair}: the newest stored record has timestamp ${latestStored}, which is not the open time of a ${this.settings.resolution} bar (Unix seconds, UTC). Was the store written with another resolution? Fix or move it.`,
        );
      }
      if (latestStored !== undefined && latestStored > lastComplete) {
        this.logger.warn(
          `${pair}: the store already holds ${formatUtc(latestStored)}, after the newest complete bar ${formatUtc(lastComplete)} (is MMS_NOW set in the past?)`,
        );
      }
      const w = planIngest({
        pair,
        step: this.step,
        lookback: this.fetchLookback,
        lastComplete,
        latestStored: options.from === undefined ? latestStored : undefined,
        initialBars: this.settings.initialBars,
        from: options.from,
        to: options.to,
      });
      if (options.from !== undefined && latestStored !== undefined && w.from > latestStored + this.step) {
        // The daily job resumes after the newest stored bar, so it would never fill what lies in between.
        this.logger.warn(
          `${pair}: this backfill starts at ${formatUtc(w.from)}, but the store ends at ${formatUtc(latestStored)}; ${formatUtc(latestStored + this.step)}..${formatUtc(w.from - this.step)} stays empty unless you backfill it too.`,
        );
      }
      windows.push(w);
    }
    return windows;
  }

  /**
   * The candles of `fresh` before the window (its look-back, at least `recheckBars` of them) that differ from
   * the stored ones: the exchange restated them since they were stored (a late trade, a correction). Every
   * one is compared, as each is stored anew: one left unchecked would change under averages never redone.
   */
  private async restatements(w: PairWindow, fresh: readonly Candle[]): Promise<Restatement[]> {
    const rechecked = fresh.filter((c) => c.timestamp < w.from);
    if (this.candles === undefined || rechecked.length === 0) return [];
    const stored = await this.candles.readCandles(w.pair, {from: rechecked[0]!.timestamp, to: rechecked.at(-1)!.timestamp});
    const before = new Map(stored.map((c) => [c.timestamp, c]));
    return rechecked.flatMap((after) => {
      const was = before.get(after.timestamp);
      return was === undefined || sameCandle(was, after) ? [] : [{before: was, after}];
    });
  }

  /**
   * Once restated candles are stored, rewrites the stored records before the window whose averages reach
   * them (those in the window are computed from the new candles already), and reports each restatement.
   */
  private async repair(w: PairWindow, restated: readonly Restatement[], tally: PairTally): Promise<void> {
    const first = restated[0]!.after.timestamp;
    const last = restated.at(-1)!.after.timestamp;
    const page = {from: first, to: Math.min(w.from - this.step, last + (this.lookback - 1) * this.step)};
    const done = await this.derivation.rewrite(w.pair, this.candles!, page, true);
    for (const {before, after} of restated) {
      this.logger.warn(
        `${w.pair} ${formatUtc(after.timestamp)}: the ${this.source.name} source restated this candle (close ${exactDecimal(before, 'close')} → ${exactDecimal(after, 'close')}); it is stored anew and the averages over it recomputed.`,
      );
    }
    tally.restated(
      restated.map(({before, after}) => ({at: after.timestamp, closeBefore: exactDecimal(before, 'close'), closeAfter: exactDecimal(after, 'close')})),
      done.changed,
    );
  }

  private query(w: PairWindow) {
    return {pair: w.pair, resolution: this.settings.resolution, from: w.fetchFrom, to: w.to};
  }

  /**
   * Runs one pair's window through source → transforms → sink, then settles the ledger: what was written
   * resolves queued windows, what could not be fetched is queued. The caller holds `lock`, checked before
   * every write.
   */
  async ingestWindow(w: PairWindow, options: IngestOptions, lock: HeldLock): Promise<PairResult> {
    const {step, lookback} = this;
    const tally = new PairTally(w, step);
    if (w.upToDate) return tally.result('up-to-date');
    let carry: Candle[] = [];
    let gridStart = w.fetchFrom;
    let lastSeen = w.fetchFrom - step;
    try {
      for await (const page of this.source.candles({...this.query(w), signal: options.signal})) {
        throwIfInterrupted(options.signal, RESUMES);
        tally.requests += page.requests;
        // Pages must move forward; anything at or before what we have, or past `to`, is ignored.
        const fresh = page.candles.filter((c) => c.timestamp > lastSeen && c.timestamp <= w.to);
        const misaligned = fresh.find((c) => c.timestamp % step !== 0);
        if (misaligned) {
          const reason = `the ${this.source.name} source yielded a candle at ${misaligned.timestamp}, not aligned to the ${this.settings.resolution} grid`;
          throw new SourceError(`${w.pair}: ${reason}`, {kind: 'invalid-response', reason, pair: w.pair, from: w.fetchFrom, to: w.to});
        }
        if (fresh.length === 0) continue;
        tally.saw(fresh);
        const candles = carry.length > 0 ? carry.concat(fresh) : fresh;
        const records = buildRecords({pair: w.pair, resolution: this.settings.resolution, step, from: w.from, gridStart}, this.transforms, candles, fresh);
        const restated = await this.restatements(w, fresh);
        await assertStillHeld(lock, w.pair);
        await this.saveHoles(w, tally);
        // The candles first: a record is never stored without the candles it was made from.
        await this.candles?.upsertCandles(w.pair, fresh);
        await this.sink.upsert(records);
        tally.wrote(records);
        if (restated.length > 0) await this.repair(w, restated, tally);
        lastSeen = fresh.at(-1)!.timestamp;
        // Keep just the bars the next page's windows reach back to.
        gridStart = Math.max(w.fetchFrom, lastSeen - (lookback - 2) * step);
        carry = candles.filter((c) => c.timestamp >= gridStart);
        options.onProgress?.({pair: w.pair, fetchedUpTo: lastSeen, to: w.to, fetchFrom: w.fetchFrom});
      }
      if (lastSeen < w.to) {
        // Bars after the newest one the source returned are a hole only when the source is known to have a
        // later bar (one is stored after the window): then they lie between bars it did return. Otherwise
        // they are most often not published yet (yesterday, early in the day): queued, not recorded as holes,
        // so `mms retry` or the next daily run fetches them once they are.
        // An answer with no candle at all is a hole only before the pair's first stored bar (days before the
        // exchange listed it): an empty answer over days it has (a glitch) must be queued, not excused.
        const seenAny = lastSeen >= w.fetchFrom;
        if ((await this.storedAfter(w)) && (seenAny || !(await this.storedThrough(w)))) tally.holeThrough(w.to);
        else if (tally.written === 0) {
          const reason = `the ${this.source.name} source returned no candle at all for these bars (not published yet, or the pair was not listed then)`;
          throw new SourceError(`${w.pair} ${formatUtc(w.from)}..${formatUtc(w.to)}: ${reason}`, {
            kind: 'no-data',
            reason,
            pair: w.pair,
            from: w.from,
            to: w.to,
          });
        } else {
          const from = lastSeen + step;
          const reason = `the ${this.source.name} source returned no candle for the last ${(w.to - from) / step + 1} bar(s) of the window (not published yet?)`;
          throw new SourceError(`${w.pair} ${formatUtc(from)}..${formatUtc(w.to)}: ${reason}`, {kind: 'no-data', reason, pair: w.pair, from, to: w.to});
        }
      }
    } catch (error) {
      throwIfInterrupted(options.signal, RESUMES);
      if (!isSourceError(error)) throw error;
      // A failed window yields no page: its attempts come with the error (none from an older plugin's copy).
      tally.requests += error.requests ?? 0;
      // Bars after the last candle seen were not written: that is the window to retry.
      const queued = {from: Math.max(w.from, lastSeen + step), to: w.to};
      // The source's message names the request that failed, which starts up to `lookback - 1` bars before the
      // window; the ledger entry, the log and the result name the queued window instead (an older plugin's
      // copy of SourceError has no reason).
      const message = `${w.pair} ${formatUtc(queued.from)}..${formatUtc(queued.to)}: ${error.reason ?? error.message}`;
      this.logger.error(message);
      await assertStillHeld(lock, w.pair);
      await this.ledger.settle({
        pair: w.pair,
        resolution: this.settings.resolution,
        written: queued.from > w.from ? {from: w.from, to: queued.from - step} : undefined,
        seen: tally.seen(),
        holes: tally.holes(),
        failure: {range: queued, kind: error.kind, message},
        restated: tally.restatements(),
      });
      return tally.result('failed', {kind: error.kind, message}, queued);
    }
    await assertStillHeld(lock, w.pair);
    await this.ledger.settle({
      pair: w.pair,
      resolution: this.settings.resolution,
      written: {from: w.from, to: w.to},
      seen: tally.seen(),
      holes: tally.holes(),
      restated: tally.restatements(),
    });
    const result = tally.result('written');
    if (result.missingBars > 0) {
      const shown = result.missing.slice(0, 5).map((m) => (m.bars === 1 ? m.from : `${m.from}..${m.to}`));
      this.logger.warn(
        `${w.pair}: the source has no candle for ${result.missingBars} bar(s) of ${result.from}..${result.to}: ${shown.join(', ')}${result.missing.length > 5 ? ', ...' : ''}`,
      );
    }
    const before = tally.lookbackHoles();
    if (before.length > 0) {
      // Debug only: a daily run sees the same look-back holes for 199 days; `mms gaps` reports their effect.
      this.logger.debug(
        `${w.pair}: the source has no candle for ${before.map((h) => (h.from === h.to ? formatUtc(h.from) : `${formatUtc(h.from)}..${formatUtc(h.to)}`)).join(', ')} in the look-back before ${result.from}; averages whose window reaches them stay null`,
      );
    }
    return result;
  }

  /**
   * Makes the holes the source has shown so far durable, before the records of the page that showed them
   * are written: a hole met early in a long load may lie beyond the look-back of every later run, so an
   * interruption must not lose it. Saves only when a page found new ones. (Queued windows are settled when
   * the pair ends: one interrupted halfway stays queued whole, and the next retry fetches it again.)
   */
  private async saveHoles(w: PairWindow, tally: PairTally): Promise<void> {
    if (!tally.unsavedHoles()) return;
    await this.ledger.settle({pair: w.pair, resolution: this.settings.resolution, seen: tally.seen(), holes: tally.holes()});
    tally.markHolesSaved();
  }

  /** Whether the sink holds any bar up to the end of the window. */
  private async storedThrough(w: PairWindow): Promise<boolean> {
    if (this.sink.earliestTimestamp) {
      const earliest = await this.sink.earliestTimestamp(w.pair);
      return earliest !== undefined && earliest <= w.to;
    }
    return (await this.sink.listTimestamps(w.pair, {from: 0, to: w.to})).length > 0;
  }

  /** Whether the sink already holds a bar after the window: proof the source has published past it. */
  private async storedAfter(w: PairWindow): Promise<boolean> {
    const latest = await this.sink.latestTimestamp(w.pair);
    return latest !== undefined && latest > w.to;
  }
}

/** Before each write: this run still holds the pair (see assertHeld). */
function assertStillHeld(lock: HeldLock, pair: string): Promise<void> {
  return assertHeld(
    lock,
    pair,
    `this run's lock (this run was paused or cut off from the store for over ${LOCK_STALE_MS / 1000} s)`,
    'What was written is kept; the other run carries on.',
  );
}

const RESUMES = "what was written is kept, and the next run resumes after it (run a backfill's command again to finish it).";
