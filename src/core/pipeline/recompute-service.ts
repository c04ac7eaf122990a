import {inject, injectable} from 'inversify';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {Sink} from '../contracts/sink.js';
import type {Transform} from '../contracts/transform.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import {checkPairs} from './check-pairs.js';
import type {AcquireRunLock} from './ingest-service.js';
import {assertHeld, throwIfInterrupted} from './run-guards.js';
import {candleStoreOf, StoredDerivation} from './stored-derivation.js';

export interface RecomputeOptions {
  readonly pairs?: readonly string[];
  /** First bar to rewrite (default: the oldest stored record). */
  readonly from?: number;
  /** Last bar to rewrite, inclusive (default: the newest stored record). */
  readonly to?: number;
  /** Count what would change; write nothing and take no lock. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  /** Records read at a time: memory holds one page (and its look-back), whatever the size of the store. */
  readonly pageBars?: number;
}

export interface PairRecompute {
  readonly pair: string;
  readonly first: string | null;
  readonly last: string | null;
  /** Stored records in the range. */
  readonly records: number;
  /** Records whose values differed from what their candles give: rewritten (or, in a dry run, to be). */
  readonly changed: number;
  /** Values among them that differed. */
  readonly values: number;
  /** Days stored without their candle: left as they are (at most 1,000 listed; `withoutCandleCount` counts all). */
  readonly withoutCandle: string[];
  readonly withoutCandleCount: number;
}

export interface RecomputeResult {
  readonly dryRun: boolean;
  readonly resolution: string;
  readonly pairs: PairRecompute[];
}

const PAGE_BARS = 10_000;
const MAX_LISTED = 1000;
const RESUMES = 'what was rewritten stays; run mms recompute again to finish.';

/**
 * `mms recompute`: rewrites the stored records from the stored candles, without a request to the exchange —
 * after a window is added to the config (its column filled for every day with enough look-back) or after
 * `mms verify` found a mismatch. Page by page, holding the pairs' locks; only records whose values differ are
 * written, so running it again changes nothing. A stored candle that is not one mms writes stops it with
 * exit 4, naming pair, day and value (the pages before it stay rewritten, correctly).
 */
@injectable()
export class RecomputeService {
  private readonly derivation: StoredDerivation;

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Transforms) transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
    @inject(TOKENS.RunLock) private readonly lock: AcquireRunLock,
  ) {
    this.derivation = new StoredDerivation(settings, transforms, sink);
  }

  async run(options: RecomputeOptions = {}): Promise<RecomputeResult> {
    const pairs = checkPairs(this.settings, options.pairs);
    const candles = candleStoreOf(this.sink, 'mms recompute');
    const lock = options.dryRun ? undefined : await this.lock('mms recompute', pairs);
    try {
      const results: PairRecompute[] = [];
      for (const pair of pairs) {
        const pages = await this.derivation.pages(pair, options, options.pageBars ?? PAGE_BARS);
        const withoutCandle: string[] = [];
        let first: number | undefined;
        let last: number | undefined;
        let records = 0;
        let changed = 0;
        let values = 0;
        let withoutCandleCount = 0;
        for (const page of pages) {
          throwIfInterrupted(options.signal, RESUMES);
          if (lock) await assertHeld(lock, pair, 'its lock', RESUMES);
          const done = await this.derivation.rewrite(pair, candles, page, lock !== undefined);
          if (done.records === 0) continue;
          first ??= done.first;
          last = done.last;
          records += done.records;
          changed += done.changed;
          values += done.values;
          withoutCandleCount += done.withoutCandle.length;
          for (const t of done.withoutCandle.slice(0, MAX_LISTED - withoutCandle.length)) withoutCandle.push(formatUtc(t));
        }
        results.push({
          pair,
          first: first === undefined ? null : formatUtc(first),
          last: last === undefined ? null : formatUtc(last),
          records,
          changed,
          values,
          withoutCandle,
          withoutCandleCount,
        });
      }
      return {dryRun: options.dryRun === true, resolution: this.settings.resolution, pairs: results};
    } finally {
      await lock?.release();
    }
  }
}
