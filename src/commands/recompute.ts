import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import type {RecomputeResult, RecomputeService} from '../core/pipeline/recompute-service.js';
import {parseTimeFlag} from '../core/time/parse-time-flag.js';
import {TOKENS} from '../core/tokens.js';
import type {PipelineSettings} from '../core/contracts/pipeline-settings.js';

export default class Recompute extends MmsCommand<RecomputeResult> {
  static override smallHeap = true;
  static override summary = 'Rewrite the stored averages from the stored candles, without a request to the exchange.';
  static override description =
    "Runs the config's transforms over the candles the store kept and rewrites every stored record whose values differ: after adding a window to the config (its column is filled for every stored day with enough look-back), or after `mms verify` found a mismatch. Page by page, holding the pairs' locks; running it again changes nothing. Records without a stored candle are left as they are and listed. A stored candle that is not one mms writes stops it (exit 4), naming pair, day and value.";
  static override examples = [
    '<%= config.bin %> recompute',
    '<%= config.bin %> recompute --pairs BRLBTC --from 2022-01-01 --dry-run',
    '<%= config.bin %> recompute --json',
  ];
  static override flags = {
    pairs: pairsFlag(),
    from: Flags.string({summary: 'First bar to rewrite: YYYY-MM-DD (UTC) or Unix seconds (default: the oldest stored).', helpValue: '<day>'}),
    to: Flags.string({summary: 'Last bar to rewrite, inclusive (default: the newest stored).', helpValue: '<day>'}),
    'dry-run': Flags.boolean({summary: 'Count the records that would change; write nothing and take no lock.'}),
  };

  async run(): Promise<RecomputeResult> {
    const {flags} = await this.parse(Recompute);
    const from = flags.from === undefined ? undefined : parseTimeFlag('from', flags.from);
    const to = flags.to === undefined ? undefined : parseTimeFlag('to', flags.to);
    const {container} = await this.openContainer(flags.config);
    const service = await container.getAsync<RecomputeService>(TOKENS.RecomputeService);
    if (!flags['dry-run']) await this.startRun(container, flags.pairs ?? (await container.getAsync<PipelineSettings>(TOKENS.PipelineSettings)).pairs);
    const result = await service.run({pairs: flags.pairs, from, to, dryRun: flags['dry-run'], signal: this.signal});
    this.settleRun({written: result.pairs.reduce((n, p) => n + p.changed, 0)});
    for (const p of result.pairs) {
      const span = p.first === null ? 'no record' : `${p.records} record(s) ${p.first}..${p.last}`;
      const done = result.dryRun ? `${p.changed} would change` : `${p.changed} rewritten`;
      this.log(`${p.pair}  ${span}: ${done} (${p.values} value(s) differed from their candles)`);
      if (p.withoutCandleCount > 0) {
        this.logToStderr(
          `Warning: ${p.pair}: ${p.withoutCandleCount} record(s) have no stored candle and were left as they are (${p.withoutCandle.slice(0, 5).join(', ')}${p.withoutCandleCount > 5 ? ', …' : ''}); a backfill over those days (\`mms ingest --from <day> --to <day>\`) stores their candles.`,
        );
      }
    }
    return result;
  }
}
