import {inject, injectable} from 'inversify';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {FailedWindow} from '../contracts/state-store.js';
import {checkPairs} from './check-pairs.js';
import type {Ledger} from '../state/ledger.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import type {AcquireRunLock, IngestOptions, IngestService} from './ingest-service.js';
import type {PairResult} from './pair-tally.js';

/** A ledger entry as commands show it: days instead of Unix seconds. */
export interface FailedWindowView extends Omit<FailedWindow, 'from' | 'to'> {
  readonly from: string;
  readonly to: string;
}

export interface RetryResult {
  /** True when nothing is pending any more (for the pairs asked). */
  readonly ok: boolean;
  readonly replayed: PairResult[];
  readonly pending: FailedWindowView[];
}

/** `mms retry`: replays the queued windows, oldest failure first, through the same pipeline as ingest. */
@injectable()
export class RetryService {
  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.IngestService) private readonly ingest: IngestService,
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.RunLock) private readonly lock: AcquireRunLock,
  ) {}

  async list(options: {pairs?: readonly string[]; all?: boolean} = {}): Promise<FailedWindowView[]> {
    const state = await this.ledger.read();
    const entries = options.all ? [...state.failures] : await this.ledger.pending();
    return entries.filter((f) => this.selected(f, options.pairs)).map(view);
  }

  async clear(pairs?: readonly string[]): Promise<number> {
    const targets = await this.targets(pairs);
    const lock = await this.lock('mms retry --clear', targets);
    try {
      return await this.ledger.clear(targets);
    } finally {
      await lock.release();
    }
  }

  async replay(options: {pairs?: readonly string[]} & Pick<IngestOptions, 'signal' | 'onProgress'> = {}): Promise<RetryResult> {
    const targets = await this.targets(options.pairs);
    const lock = await this.lock('mms retry', targets);
    try {
      const replayed: PairResult[] = [];
      // One entry at a time, re-reading the ledger: replaying one window may resolve or reshape others.
      const tried = new Set<string>();
      for (;;) {
        const next = (await this.ledger.pending()).find((f) => this.selected(f, targets) && !tried.has(key(f)));
        if (!next) break;
        tried.add(key(next));
        replayed.push(await this.ingest.ingestWindow(this.ingest.backfillWindow(next.pair, next.from, next.to), options, lock));
      }
      const pending = await this.list({pairs: options.pairs});
      return {ok: pending.length === 0, replayed, pending};
    } finally {
      await lock.release();
    }
  }

  private selected(f: FailedWindow, pairs: readonly string[] | undefined): boolean {
    return f.resolution === this.settings.resolution && (pairs === undefined || pairs.includes(f.pair));
  }

  /**
   * The pairs a run locks and touches: those asked for, or every configured pair and every pair with
   * entries in the ledger (a pair since removed from the config can still be retried or cleared).
   */
  private async targets(pairs: readonly string[] | undefined): Promise<string[]> {
    if (pairs !== undefined) return [...checkPairs(this.settings, pairs)];
    return [...new Set([...this.settings.pairs, ...(await this.ledger.read()).failures.map((f) => f.pair)])];
  }
}

function key(f: FailedWindow): string {
  return `${f.pair}:${f.from}:${f.to}`;
}

function view(f: FailedWindow): FailedWindowView {
  return {...f, from: formatUtc(f.from), to: formatUtc(f.to)};
}
