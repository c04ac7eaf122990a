import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {storeOf} from '../container/store-of.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import {type CopyResult, CopyService} from '../core/pipeline/copy-service.js';
import {parseTimeFlag} from '../core/time/parse-time-flag.js';

export default class Copy extends MmsCommand<CopyResult> {
  static override smallHeap = true;
  static override summary = "Copy this config's store into another config's sink: records, raw candles, pending windows and source holes.";
  static override description =
    'Moves a store without refetching its history: JSON file → SQLite → MongoDB and back. Reads the source page by page (memory does not grow with the store), upserts into the target (running it again changes nothing), holding the locks of both stores. The two configs must agree on the resolution and on the fields their transforms write. At the end, checks that the target holds every record read, per pair. Exit 0 when it does, 4 when it does not.';
  static override examples = [
    '<%= config.bin %> copy --to sqlite.config.json',
    '<%= config.bin %> copy --config json.config.json --to mongodb.config.ts --pairs BRLBTC --from 2021-01-01 --until 2021-12-31',
    '<%= config.bin %> copy --to other.config.ts --dry-run --json',
  ];
  static override flags = {
    to: Flags.string({summary: 'The config whose sink receives the copy.', helpValue: '<config>', required: true}),
    pairs: pairsFlag(),
    from: Flags.string({summary: 'First bar to copy: YYYY-MM-DD (UTC) or Unix seconds (default: the oldest stored).', helpValue: '<day>'}),
    until: Flags.string({summary: 'Last bar to copy, inclusive (default: the newest stored).', helpValue: '<day>'}),
    'dry-run': Flags.boolean({summary: 'Count what would be copied per pair; write nothing and take no lock.'}),
  };

  async run(): Promise<CopyResult> {
    const {flags} = await this.parse(Copy);
    const from = flags.from === undefined ? undefined : parseTimeFlag('from', flags.from);
    const to = flags.until === undefined ? undefined : parseTimeFlag('until', flags.until);
    const source = await storeOf((await this.openContainer(flags.config)).container);
    const targetContainer = (await this.openContainer(flags.to)).container;
    const target = await storeOf(targetContainer);
    const copy = new CopyService(source, target);
    // In the history of the store it writes.
    if (!flags['dry-run']) await this.startRun(targetContainer, flags.pairs ?? source.settings.pairs);
    const result = await copy.run({pairs: flags.pairs, from, to, dryRun: flags['dry-run'], signal: this.signal});
    this.settleRun({written: result.pairs.reduce((n, p) => n + (p.inTarget ?? 0), 0)});
    for (const p of result.pairs) {
      const span = p.first === null ? 'no record' : `${p.records} record(s) ${p.first}..${p.last}`;
      const ledger = `${p.pending} pending window(s), ${p.holes} source hole(s)${p.candles === null ? '' : `, ${p.candles} candle(s)`}`;
      if (result.dryRun) this.log(`${p.pair}  would copy ${span}, ${ledger}`);
      else this.log(`${p.pair}  copied ${span}, ${ledger}; the target holds ${p.inTarget} of ${p.records}${p.inTarget === p.records ? '' : ' — MISSING'}`);
    }
    if (!result.ok) {
      process.exitCode = EXIT_CODES.sink;
      this.logToStderr('The target does not hold every record copied (see above): check its store, then run the copy again.');
    }
    return result;
  }
}
