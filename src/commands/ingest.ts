import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {progressReporter} from '../cli/progress-reporter.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import type {IngestResult, IngestService, PairPlan} from '../core/pipeline/ingest-service.js';
import {TOKENS} from '../core/tokens.js';
import {checkPairs} from '../core/pipeline/check-pairs.js';
import {parseShard, selectShard} from '../core/pipeline/select-shard.js';
import {parseTimeFlag} from '../core/time/parse-time-flag.js';

type IngestOutput = IngestResult | {dryRun: true; pairs: PairPlan[]};

export default class Ingest extends MmsCommand<IngestOutput> {
  static override smallHeap = true;
  static override summary = 'Fetch candles, compute the moving averages and upsert them into the sink.';
  static override description =
    'Without --from/--to this is the daily job: each pair resumes after its newest stored day (or loads the last 365 days into an empty store) up to yesterday, the last complete UTC day. With --from (and optionally --to) it backfills exactly that range; stored data is upserted, never duplicated.';
  static override examples = [
    '<%= config.bin %> ingest',
    '<%= config.bin %> ingest --from 2021-01-01 --to 2021-12-31 --pairs BRLBTC',
    '<%= config.bin %> ingest --dry-run --json',
  ];
  static override flags = {
    from: Flags.string({summary: 'First day to write: YYYY-MM-DD (UTC) or Unix seconds.', helpValue: '<day>'}),
    to: Flags.string({summary: 'Last day to write (default: yesterday, UTC). Needs --from.', helpValue: '<day>'}),
    pairs: pairsFlag(),
    'dry-run': Flags.boolean({summary: 'Print the plan (per pair: range, bars, requests) and write nothing.'}),
    shard: Flags.string({
      summary:
        "Run only this worker's share of the pairs: i/n (0 <= i < n), by a stable hash of the pair name. For CI matrices and Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX).",
      helpValue: 'i/n',
    }),
  };

  async run(): Promise<IngestOutput> {
    const {flags} = await this.parse(Ingest);
    const options: {from?: number; to?: number; pairs?: string[]} = {
      from: flags.from === undefined ? undefined : parseTimeFlag('from', flags.from),
      to: flags.to === undefined ? undefined : parseTimeFlag('to', flags.to),
      pairs: flags.pairs,
    };
    // Parsed before the config and the sink are opened: a bad --shard is a usage error (exit 2) that has
    // touched no store, connected to nothing and taken no lock.
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    const {container, config} = await this.openContainer(flags.config);
    const ingest = await container.getAsync<IngestService>(TOKENS.IngestService);
    if (shard) {
      // Within --pairs if given; a worker whose share is empty has nothing to do and says so.
      const mine = selectShard(checkPairs(config, options.pairs), shard);
      if (mine.length === 0) {
        this.log(`shard ${flags.shard}: no pair falls in this share; nothing to do.`);
        return {ok: true, resolution: config.resolution, pairs: []};
      }
      options.pairs = mine;
    }

    if (flags['dry-run']) {
      const plan = await ingest.plan(options);
      for (const p of plan) {
        this.log(
          p.upToDate
            ? `${p.pair}  up to date (stored through ${p.to})`
            : `${p.pair}  would write ${p.from}..${p.to} (${p.fields.join(', ')}), fetching ${p.bars} bars from ${p.fetchFrom} in ${p.requests} request(s)`,
        );
      }
      return {dryRun: true, pairs: plan};
    }

    await this.startRun(container, checkPairs(config, options.pairs));
    const result = await ingest.run({...options, signal: this.signal, onProgress: progressReporter(this.jsonEnabled())});
    const failed = result.pairs.flatMap((p) => (p.error ? [p.error.message] : []));
    this.settleRun({
      written: sum(result.pairs, (p) => p.written),
      requests: sum(result.pairs, (p) => p.requests),
      ...(failed.length > 0 ? {error: failed.join('; ')} : {}),
    });
    for (const r of result.pairs) {
      if (r.status === 'up-to-date') this.log(`${r.pair}  up to date (stored through ${r.newestStored})`);
      else if (r.status === 'written') {
        const missing = r.missingBars > 0 ? `, ${r.missingBars} bar(s) without a candle at the source` : '';
        this.log(`${r.pair}  wrote ${r.written} record(s) ${r.firstWritten ?? ''}..${r.lastWritten ?? ''} (${r.requests} request(s)${missing})`);
        if (r.restated) {
          this.log(`${r.pair}  restated by the source: ${r.restated.join(', ')}; stored anew, ${r.recomputed} earlier record(s) recomputed`);
        }
      } else this.log(`${r.pair}  FAILED after writing ${r.written} record(s); ${r.queued?.from}..${r.queued?.to} queued for retry`);
    }
    if (!result.ok) {
      process.exitCode = EXIT_CODES.partial;
      this.logToStderr('Some windows could not be fetched and are queued: run `mms retry` later (the next daily `mms ingest` also catches up).');
    }
    return result;
  }
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((n, item) => n + value(item), 0);
}
