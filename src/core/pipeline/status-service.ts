import {inject, injectable} from 'inversify';
import type {Clock} from '../contracts/clock.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {TimeRange} from '../contracts/record.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {RunRecord, StateStore} from '../contracts/state-store.js';
import type {Transform} from '../contracts/transform.js';
import type {Ledger} from '../state/ledger.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import {lastCompleteBar} from '../time/last-complete-bar.js';
import {checkPairs} from './check-pairs.js';
import {StoredDerivation} from './stored-derivation.js';

export interface PairStatus {
  readonly pair: string;
  readonly first: string | null;
  readonly last: string | null;
  readonly records: number;
  /** Records with a field still null (a window without its history, or reaching a day without a candle). */
  readonly incomplete: number;
  /** Bars the source has no candle for (recorded holes). */
  readonly holeBars: number;
  /** Windows queued for `mms retry`. */
  readonly pending: number;
  /** Bars between the newest stored one and the last complete one (yesterday for daily bars); null when empty. */
  readonly behind: number | null;
  /** The newest recorded run that wrote this pair (none when the store keeps no history, or none did yet). */
  readonly lastRun: RunSummary | null;
}

/** A run as a pair's status shows it. */
export interface RunSummary {
  readonly command: string;
  readonly startedAt: string;
  /** `unfinished` for a run that never recorded its end (still running, or killed). */
  readonly outcome: NonNullable<RunRecord['outcome']> | 'unfinished';
  readonly seconds: number | null;
}

export interface StatusResult {
  readonly store: {readonly sink: string; readonly location: string; readonly resolution: string; readonly fields: readonly string[]};
  /** The last complete bar, which `behind` counts up to. */
  readonly lastComplete: string;
  readonly pairs: PairStatus[];
  /** The newest runs, newest first (empty when the store keeps no run history). */
  readonly runs: RunRecord[];
  readonly keepsRunHistory: boolean;
}

/**
 * `mms status`: what the store holds per pair and how the last runs went, from queries (counts, the first and
 * newest timestamps, the ledger): it never reads the records themselves.
 */
@injectable()
export class StatusService {
  private readonly step: number;
  private readonly derivation: StoredDerivation;

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Transforms) private readonly transforms: readonly Transform[],
    @inject(TOKENS.Sink) private readonly sink: Sink,
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.StateStore) private readonly state: StateStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {
    this.step = resolutionSeconds(settings.resolution);
    this.derivation = new StoredDerivation(settings, transforms, sink);
  }

  async status(options: {pairs?: readonly string[]; runs?: number} = {}): Promise<StatusResult> {
    const pairs = checkPairs(this.settings, options.pairs);
    const fields = this.transforms.flatMap((t) => t.fields);
    const lastComplete = lastCompleteBar(this.clock.now(), this.step);
    const ledger = await this.ledger.read();
    const keepsRunHistory = this.state.runs !== undefined;
    // Enough of the history for each pair's newest run (a run names the pairs it wrote).
    const history = keepsRunHistory ? await this.state.runs!(Math.max(options.runs ?? 10, 200)) : [];
    const results: PairStatus[] = [];
    for (const pair of pairs) {
      const newest = await this.sink.latestTimestamp(pair);
      const oldest = newest === undefined ? undefined : await this.derivation.firstRecord(pair, newest);
      const range = {from: oldest ?? 0, to: newest ?? 0};
      const records = newest === undefined ? 0 : await this.count(pair, range);
      const complete = newest === undefined ? 0 : await this.count(pair, range, fields);
      const mine = <T extends {pair: string; resolution: string}>(entries: readonly T[]) =>
        entries.filter((e) => e.pair === pair && e.resolution === this.settings.resolution);
      results.push({
        pair,
        first: oldest === undefined ? null : formatUtc(oldest),
        last: newest === undefined ? null : formatUtc(newest),
        records,
        incomplete: records - complete,
        holeBars: mine(ledger.holes).reduce((n, h) => n + (h.to - h.from) / this.step + 1, 0),
        pending: mine(ledger.failures).filter((f) => f.status === 'pending').length,
        behind: newest === undefined ? null : Math.max(0, (lastComplete - newest) / this.step),
        lastRun: summary(history.find((run) => run.pairs.includes(pair))),
      });
    }
    return {
      store: {sink: this.sink.name, location: this.location(), resolution: this.settings.resolution, fields},
      lastComplete: formatUtc(lastComplete),
      pairs: results,
      runs: history.slice(0, options.runs ?? 10),
      keepsRunHistory,
    };
  }

  /** Where the store is: a file sink's path, else where its state is kept (credentials redacted). */
  private location(): string {
    const path = (this.sink as {path?: unknown}).path;
    return typeof path === 'string' ? path : this.state.location;
  }

  private async count(pair: string, range: TimeRange, complete?: readonly string[]): Promise<number> {
    if (this.sink.countRecords) return this.sink.countRecords(pair, range, complete);
    return (await this.sink.listTimestamps(pair, range, complete)).length;
  }
}

function summary(run: RunRecord | undefined): RunSummary | null {
  if (run === undefined) return null;
  const seconds = run.endedAt === undefined ? null : (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000;
  return {command: run.command, startedAt: run.startedAt, outcome: run.outcome ?? 'unfinished', seconds};
}
