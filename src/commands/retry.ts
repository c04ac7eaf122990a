import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {progressReporter} from '../cli/progress-reporter.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import type {FailedWindowView, RetryResult, RetryService} from '../core/pipeline/retry-service.js';
import {TOKENS} from '../core/tokens.js';
import type {PipelineSettings} from '../core/contracts/pipeline-settings.js';

type RetryOutput = RetryResult | {pending: FailedWindowView[]} | {cleared: number};

export default class Retry extends MmsCommand<RetryOutput> {
  static override smallHeap = true;
  static override summary = 'Replay the windows that failed to ingest, oldest first; or list or clear them.';
  static override description =
    'A window that still fails after the in-run retries is queued in the ledger kept beside the data (the state file of the JSON sink). `mms retry` replays each pending window with the same pacing and retry policy, marks what it writes as resolved and keeps what still fails (attempts + 1). Exit 0 when nothing is pending, 3 when some windows still are.';
  static override examples = [
    '<%= config.bin %> retry',
    '<%= config.bin %> retry --list',
    '<%= config.bin %> retry --list --all --json',
    '<%= config.bin %> retry --clear --pairs BRLETH',
  ];
  static override flags = {
    list: Flags.boolean({summary: 'Show the pending windows and do nothing else.', exclusive: ['clear']}),
    all: Flags.boolean({summary: 'With --list: resolved windows too.', dependsOn: ['list']}),
    clear: Flags.boolean({summary: 'Forget the queued windows (of --pairs, or all): give up retrying them.', exclusive: ['list']}),
    pairs: pairsFlag(),
  };

  async run(): Promise<RetryOutput> {
    const {flags} = await this.parse(Retry);
    const {container} = await this.openContainer(flags.config);
    const retry = await container.getAsync<RetryService>(TOKENS.RetryService);

    if (flags.list) {
      const entries = await retry.list({pairs: flags.pairs, all: flags.all});
      if (entries.length === 0) this.log(flags.all ? 'The ledger is empty.' : 'Nothing pending.');
      for (const e of entries) this.log(describe(e));
      return {pending: entries};
    }
    if (flags.clear) {
      const cleared = await retry.clear(flags.pairs);
      this.log(`Cleared ${cleared} window(s) from the ledger.`);
      return {cleared};
    }

    await this.startRun(container, flags.pairs ?? (await container.getAsync<PipelineSettings>(TOKENS.PipelineSettings)).pairs);
    const result = await retry.replay({pairs: flags.pairs, signal: this.signal, onProgress: progressReporter(this.jsonEnabled())});
    const failed = result.replayed.flatMap((r) => (r.error ? [r.error.message] : []));
    this.settleRun({
      written: result.replayed.reduce((n, r) => n + r.written, 0),
      requests: result.replayed.reduce((n, r) => n + r.requests, 0),
      ...(failed.length > 0 ? {error: failed.join('; ')} : {}),
    });
    if (result.replayed.length === 0) this.log('Nothing pending.');
    for (const r of result.replayed) {
      this.log(
        r.status === 'failed'
          ? `${r.pair}  ${r.from}..${r.to} still failing: ${r.error?.message}`
          : `${r.pair}  ${r.from}..${r.to} resolved: wrote ${r.written} record(s)`,
      );
    }
    if (!result.ok) {
      process.exitCode = EXIT_CODES.partial;
      this.logToStderr(`${result.pending.length} window(s) still pending; run \`mms retry\` again later.`);
    }
    return result;
  }
}

function describe(e: FailedWindowView): string {
  const state =
    e.status === 'resolved' ? `resolved ${e.resolvedAt}` : `pending, ${e.attempts} attempt(s), first failed ${e.firstFailedAt}, last tried ${e.lastTriedAt}`;
  return `${e.pair}  ${e.from}..${e.to}  ${e.kind}  (${state})\n    ${e.message}`;
}
