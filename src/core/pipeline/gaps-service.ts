import {inject, injectable} from 'inversify';
import type {Alarm, GapReport, GapRun, PairGaps} from '../contracts/alarm.js';
import type {Clock} from '../contracts/clock.js';
import type {PipelineSettings} from '../contracts/pipeline-settings.js';
import type {TimeRange} from '../contracts/record.js';
import {resolutionSeconds} from '../contracts/resolution.js';
import type {Sink} from '../contracts/sink.js';
import type {Transform} from '../contracts/transform.js';
import {LockedError} from '../errors/locked-error.js';
import type {Ledger} from '../state/ledger.js';
import {TOKENS} from '../tokens.js';
import {formatUtc} from '../time/format-utc.js';
import {lastCompleteBar} from '../time/last-complete-bar.js';
import {checkPairs} from './check-pairs.js';
import {findGaps} from './find-gaps.js';
import type {AcquireRunLock} from './ingest-service.js';

export interface GapsOptions {
  /** Days to check, ending with the last complete bar (yesterday for daily bars; never today). */
  readonly days: number;
  readonly pairs?: readonly string[];
  /** Queue the missing and incomplete bars (not the source's own holes) for `mms retry`. */
  readonly enqueue?: boolean;
  /**
   * Report the bars whose only cause is a recorded source hole (the hole itself, and the averages whose
   * window reaches it) as accepted: listed apart, but not alarming and not making the check fail. One day
   * without trades otherwise keeps the check failing for as long as the longest window reaches it.
   */
  readonly acceptSourceHoles?: boolean;
}

export interface AlarmOutcome {
  readonly alarm: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface GapsResult extends GapReport {
  readonly alarms: readonly AlarmOutcome[];
  /** Windows queued with --enqueue. */
  readonly enqueued: number;
  /** Why --enqueue could not queue them (another run holds the store). */
  readonly enqueueError?: string;
}

const DAY = 86_400;

/** `mms gaps`: which bars of the last N days are missing or incomplete, why, and the alarms. */
@injectable()
export class GapsService {
  private readonly step: number;

  constructor(
    @inject(TOKENS.PipelineSettings) private readonly settings: PipelineSettings,
    @inject(TOKENS.Sink) private readonly sink: Sink,
    @inject(TOKENS.Transforms) private readonly transforms: readonly Transform[],
    @inject(TOKENS.Ledger) private readonly ledger: Ledger,
    @inject(TOKENS.Alarms) private readonly alarms: readonly Alarm[],
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.RunLock) private readonly lock: AcquireRunLock,
  ) {
    this.step = resolutionSeconds(settings.resolution);
  }

  async check(options: GapsOptions): Promise<GapsResult> {
    const pairs = checkPairs(this.settings, options.pairs);
    const to = lastCompleteBar(this.clock.now(), this.step);
    const bars = (options.days * DAY) / this.step;
    const range = {from: to - (bars - 1) * this.step, to};
    const fields = this.transforms.flatMap((t) => t.fields);
    const state = await this.ledger.read();

    const found = [];
    for (const pair of pairs) {
      const [stored, complete] = await Promise.all([this.sink.listTimestamps(pair, range), this.sink.listTimestamps(pair, range, fields)]);
      const mine = <T extends {pair: string; resolution: string}>(entries: readonly T[]) =>
        entries.filter((e) => e.pair === pair && e.resolution === this.settings.resolution);
      const runs = findGaps({
        range,
        step: this.step,
        stored,
        complete,
        sourceHoles: mine(state.holes),
        queued: mine(state.failures).filter((f) => f.status === 'pending'),
        lookback: Math.max(1, ...this.transforms.map((t) => t.lookback)),
      });
      const restated = mine(state.restated ?? []).filter((r) => r.at >= range.from && r.at <= range.to);
      found.push({pair, runs, restated});
    }

    const report = this.report(
      range,
      options.days,
      fields,
      found.map(({pair, runs, restated}) => {
        const gaps = this.pairGaps(pair, runs, options.acceptSourceHoles === true);
        if (restated.length === 0) return gaps;
        return {...gaps, restated: restated.map((r) => ({day: formatUtc(r.at), closeBefore: r.closeBefore, closeAfter: r.closeAfter, seenAt: r.seenAt}))};
      }),
    );
    // Alarms first: a busy store must not swallow the report. Queueing then waits for nothing.
    const alarms = report.ok ? [] : await this.raise(report);
    let enqueued = 0;
    let enqueueError: string | undefined;
    if (options.enqueue && !report.ok) {
      try {
        enqueued = await this.enqueue(found);
      } catch (error) {
        if (!(error instanceof LockedError)) throw error;
        enqueueError = error.message;
      }
    }
    return {...report, alarms, enqueued, ...(enqueueError ? {enqueueError} : {})};
  }

  private pairGaps(pair: string, runs: ReturnType<typeof findGaps>, acceptSourceHoles: boolean): PairGaps {
    const view = (r: TimeRange): GapRun => ({from: formatUtc(r.from), to: formatUtc(r.to), bars: (r.to - r.from) / this.step + 1});
    const missing = runs.missing.map((r) => ({...view(r), cause: r.cause}));
    const incomplete = runs.incomplete.map((r) => ({...view(r), cause: r.cause}));
    if (!acceptSourceHoles) return {pair, missing, incomplete, missingBars: sum(missing), incompleteBars: sum(incomplete)};
    const bySource = (r: {cause: string}) => r.cause === 'no-candle-at-source';
    const accepted = [
      ...missing.filter(bySource).map((r) => ({kind: 'missing' as const, ...r, cause: 'no-candle-at-source' as const})),
      ...incomplete.filter(bySource).map((r) => ({kind: 'incomplete' as const, ...r, cause: 'no-candle-at-source' as const})),
    ].sort((a, b) => a.from.localeCompare(b.from));
    const alarming = {missing: missing.filter((r) => !bySource(r)), incomplete: incomplete.filter((r) => !bySource(r))};
    return {pair, ...alarming, missingBars: sum(alarming.missing), incompleteBars: sum(alarming.incomplete), accepted, acceptedBars: sum(accepted)};
  }

  private report(range: TimeRange, days: number, fields: readonly string[], pairs: PairGaps[]): GapReport {
    const ok = pairs.every((p) => p.missingBars === 0 && p.incompleteBars === 0);
    const period = {from: formatUtc(range.from), to: formatUtc(range.to), days, bars: (range.to - range.from) / this.step + 1};
    const unit = this.step === DAY ? 'day' : 'bar';
    const runText = (r: GapRun) => `${r.bars === 1 ? r.from : `${r.from}..${r.to}`} (${r.bars} ${unit}${r.bars === 1 ? '' : 's'})`;
    const accepted = pairs.reduce((n, p) => n + (p.acceptedBars ?? 0), 0);
    const acceptedNote =
      accepted > 0 ? `; ${accepted} ${unit}${accepted === 1 ? '' : 's'} affected only by the source's own holes, accepted (--accept-source-holes)` : '';
    const lines = [
      ok
        ? `mms: no ${unit} missing in the last ${days} days (${period.from}..${period.to} UTC)${acceptedNote}`
        : `mms: data missing in the last ${days} days (${period.from}..${period.to} UTC, ${this.settings.resolution})${acceptedNote}`,
      ...pairs.flatMap((p) => [
        ...p.missing.map((r) => `• ${p.pair}: missing ${runText(r)}, ${CAUSES[r.cause]}`),
        ...p.incomplete.map((r) => `• ${p.pair}: incomplete ${runText(r)}, ${INCOMPLETE[r.cause]}`),
        ...(p.accepted ?? []).map((r) => `• ${p.pair}: ${r.kind} ${runText(r)}, accepted: ${r.kind === 'missing' ? CAUSES[r.cause] : INCOMPLETE[r.cause]}`),
        ...(p.restated ?? []).map(
          (r) =>
            `• ${p.pair}: ${r.day} restated by the source (close ${r.closeBefore} → ${r.closeAfter}, seen ${r.seenAt}); stored anew, its averages recomputed`,
        ),
      ]),
    ];
    return {ok, checkedAt: new Date(this.clock.now()).toISOString(), resolution: this.settings.resolution, period, fields, pairs, text: lines.join('\n')};
  }

  /** Queues what a retry can repair: bars never written or written incomplete, not the source's own holes. */
  private async enqueue(found: ReadonlyArray<{pair: string; runs: ReturnType<typeof findGaps>}>): Promise<number> {
    const lock = await this.lock(
      'mms gaps --enqueue',
      found.map((f) => f.pair),
    );
    try {
      let count = 0;
      for (const {pair, runs} of found) {
        // What the source itself lacks cannot be fetched again: only the rest is queued.
        for (const run of [...runs.missing, ...runs.incomplete].filter((r) => r.cause !== 'no-candle-at-source').sort((a, b) => a.from - b.from)) {
          await this.ledger.queue({
            pair,
            resolution: this.settings.resolution,
            range: run,
            kind: 'gap',
            message: `${pair} ${formatUtc(run.from)}..${formatUtc(run.to)}: found missing or incomplete by mms gaps`,
          });
          count++;
        }
      }
      return count;
    } finally {
      await lock.release();
    }
  }

  /** Every alarm is tried; one failing does not stop the others, and each failure is reported. */
  private async raise(report: GapReport): Promise<AlarmOutcome[]> {
    const outcomes: AlarmOutcome[] = [];
    for (const alarm of this.alarms) {
      try {
        await alarm.fire(report);
        outcomes.push({alarm: alarm.name, ok: true});
      } catch (error) {
        outcomes.push({alarm: alarm.name, ok: false, error: (error as Error).message});
      }
    }
    return outcomes;
  }
}

const CAUSES = {
  'no-candle-at-source': 'the source has no candle for it',
  'ingest-failed': 'a run failed and queued it (mms retry)',
  'not-ingested': 'never ingested',
} as const;

const INCOMPLETE = {
  'no-candle-at-source': 'an average whose window reaches a day the source has no candle for (no trades, or before the pair was listed)',
  'history-missing': 'an average computed without its full history (mms retry recomputes it)',
} as const;

function sum(runs: readonly GapRun[]): number {
  return runs.reduce((n, r) => n + r.bars, 0);
}
