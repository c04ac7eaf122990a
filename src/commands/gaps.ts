import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import type {GapsResult, GapsService} from '../core/pipeline/gaps-service.js';
import {TOKENS} from '../core/tokens.js';

export default class Gaps extends MmsCommand<GapsResult> {
  static override summary = 'Check that every day of the last N days is stored with all its averages; raise the alarms if not.';
  static override description =
    'Looks at the N days ending yesterday (UTC; today is never complete, so never counted) and reports, per pair, the days with no record and the days stored with a moving average still null. Missing days are told apart: the source had no candle, a run failed and queued them, or nothing ever wrote them. When anything is missing, every configured alarm is raised once. Exit 0: complete; 6: something is missing; 7: missing, and an alarm could not be delivered.';
  static override examples = [
    '<%= config.bin %> gaps',
    '<%= config.bin %> gaps --days 30 --pairs BRLBTC --json',
    '<%= config.bin %> gaps --enqueue && <%= config.bin %> retry',
    '<%= config.bin %> gaps --accept-source-holes',
  ];
  static override flags = {
    days: Flags.integer({summary: 'Days to check, ending yesterday (UTC).', default: 365, min: 1, max: 36_500}),
    pairs: pairsFlag(),
    enqueue: Flags.boolean({summary: 'Queue what is missing or incomplete for `mms retry` (days the source has no candle for excepted).'}),
    'accept-source-holes': Flags.boolean({
      summary: 'Still list the days whose only problem is a day the source has no candle for, but do not fail or raise the alarms for them.',
      description:
        'A day without trades has no candle at the source, and every average whose window reaches it stays null: without this flag, such a day keeps the check failing for as long as the longest window reaches it (200 days for mms_200). With it, those days are listed as accepted (`accepted` in --json) and only the rest decides the exit code and the alarms.',
    }),
  };

  async run(): Promise<GapsResult> {
    const {flags} = await this.parse(Gaps);
    const {container} = await this.openContainer(flags.config);
    const gaps = await container.getAsync<GapsService>(TOKENS.GapsService);
    const result = await gaps.check({days: flags.days, pairs: flags.pairs, enqueue: flags.enqueue, acceptSourceHoles: flags['accept-source-holes']});
    this.log(result.text);
    if (result.enqueued > 0) this.log(`Queued ${result.enqueued} window(s): run \`mms retry\` to repair them.`);
    if (result.enqueueError) this.logToStderr(`Warning: nothing was queued: ${result.enqueueError}`);
    const failed = result.alarms.filter((a) => !a.ok);
    for (const alarm of failed) this.logToStderr(`Error: the ${alarm.alarm} alarm could not be raised: ${alarm.error}`);
    process.exitCode = failed.length > 0 ? EXIT_CODES.alarmFailed : result.ok ? EXIT_CODES.ok : EXIT_CODES.gaps;
    return result;
  }
}
