import {inject, injectable} from 'inversify';
import type {CandleStore} from '../contracts/candle-store.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {Sink} from '../contracts/sink.js';
import type {Transform} from '../contracts/transform.js';
import {isMmsError} from '../errors/mms-error.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import {checkPairs} from './check-pairs.js';
import {compareRecords, type Mismatch} from './compare-records.js';
import {RecordsDigest} from './records-digest.js';
import {candleStoreOf, StoredDerivation} from './stored-derivation.js';
import {throwIfInterrupted} from './run-guards.js';

export interface VerifyOptions {
  readonly pairs?: readonly string[];
  /** First bar to check (default: the oldest stored). */
  readonly from?: number;
  /** Last bar to check, inclusive (default: the newest stored). */
  readonly to?: number;
  readonly signal?: AbortSignal;
  /** Only the digests: no value is checked, so any sink will do, one that keeps no candles too. */
  readonly digestOnly?: boolean;
  /** Records read at a time: memory holds one page (and its look-back), whatever the size of the store. */
  readonly pageBars?: number;
}

/** A mismatch as reported: the day as text beside its timestamp. */
export interface ReportedMismatch extends Mismatch {
  readonly day: string;
}

export interface PairVerification {
  readonly pair: string;
  readonly first: string | null;
  readonly last: string | null;
  /** Records in the range, and the digest of their content (see RecordsDigest). */
  readonly records: number;
  readonly digest: string;
  /** Values compared with what the stored candles give. */
  readonly values: number;
  /** Values that differ, at most MAX_LISTED of them listed; `mismatchCount` counts all. */
  readonly mismatches: ReportedMismatch[];
  readonly mismatchCount: number;
  /** Days stored without their candle (nothing to check them against), at most MAX_LISTED listed. */
  readonly withoutCandle: string[];
  readonly withoutCandleCount: number;
  /** Why this pair's data could not be read (a value edited into something mms never writes). */
  readonly unreadable?: string;
}

export interface VerifyResult {
  /** Every value matches, every record has its candle, everything could be read (with `digestOnly`: read). */
  readonly ok: boolean;
  /** Whether values were checked against the candles (not with `digestOnly`). */
  readonly checked: boolean;
  readonly resolution: string;
  readonly pairs: PairVerification[];
}

const PAGE_BARS = 10_000;
const MAX_LISTED = 1000;

/**
 * `mms verify`: re-derives every stored value from the stored candles (the transforms over them, exactly as
 * a run computes them) and compares bit for bit, page by page; and the digest of each pair's records, to
 * compare two stores. Reads only: it takes no lock and writes nothing.
 */
@injectable()
export class VerifyService {
  private readonly derivation: StoredDerivation;

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Transforms) transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
  ) {
    this.derivation = new StoredDerivation(settings, transforms, sink);
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const pairs = checkPairs(this.settings, options.pairs);
    const candles = options.digestOnly ? undefined : candleStoreOf(this.sink, 'mms verify', 'or give --digest-only for the digests alone');
    const results: PairVerification[] = [];
    for (const pair of pairs) results.push(await this.verifyPair(pair, candles, options));
    const ok = results.every((p) => p.mismatchCount === 0 && p.withoutCandleCount === 0 && p.unreadable === undefined);
    return {ok, checked: candles !== undefined, resolution: this.settings.resolution, pairs: results};
  }

  private async verifyPair(pair: string, candles: CandleStore | undefined, options: VerifyOptions): Promise<PairVerification> {
    const {fields} = this.derivation;
    // Outside the value reads: a store that cannot be reached at all is exit 4, not a finding about its data.
    const pages = await this.derivation.pages(pair, options, options.pageBars ?? PAGE_BARS);
    const digest = new RecordsDigest(pair, fields);
    const mismatches: ReportedMismatch[] = [];
    const withoutCandle: string[] = [];
    let mismatchCount = 0;
    let withoutCandleCount = 0;
    let values = 0;
    let first: number | undefined;
    let last: number | undefined;
    let unreadable: string | undefined;
    try {
      for (const page of pages) {
        throwIfInterrupted(options.signal, 'nothing was written');
        const records = await this.sink.readRange(pair, page);
        if (records.length === 0) continue;
        digest.add(records);
        first ??= records[0]!.timestamp;
        last = records.at(-1)!.timestamp;
        if (candles === undefined) continue;
        const comparison = compareRecords(records, await this.derivation.derive(pair, candles, page), fields);
        values += comparison.values;
        mismatchCount += comparison.mismatches.length;
        withoutCandleCount += comparison.withoutCandle.length;
        for (const m of comparison.mismatches.slice(0, MAX_LISTED - mismatches.length)) mismatches.push({...m, day: formatUtc(m.timestamp)});
        for (const t of comparison.withoutCandle.slice(0, MAX_LISTED - withoutCandle.length)) withoutCandle.push(formatUtc(t));
      }
    } catch (error) {
      if (!(isMmsError(error) && error.code === 'MMS_SINK')) throw error;
      unreadable = error.message;
    }
    const {records, digest: hex} = digest.digest();
    return {
      pair,
      first: first === undefined ? null : formatUtc(first),
      last: last === undefined ? null : formatUtc(last),
      records,
      digest: hex,
      values,
      mismatches,
      mismatchCount,
      withoutCandle,
      withoutCandleCount,
      ...(unreadable === undefined ? {} : {unreadable}),
    };
  }
}
