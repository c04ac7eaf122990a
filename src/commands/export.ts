import {once} from 'node:events';
import {existsSync, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {UsageError} from '../core/errors/usage-error.js';
import {EXPORT_FORMATS} from '../core/export/export-format.js';
import {writeParquet} from '../core/export/write-parquet.js';
import {writeThenRename} from '../core/fs/write-then-rename.js';
import type {ExportPairResult, ExportService} from '../core/pipeline/export-service.js';
import {parseTimeFlag} from '../core/time/parse-time-flag.js';
import {TOKENS} from '../core/tokens.js';

export interface ExportResult {
  readonly format: string;
  /** The file written, or `-` for standard output. */
  readonly out: string;
  readonly candles: boolean;
  readonly pairs: ExportPairResult[];
}

export default class Export extends MmsCommand<ExportResult> {
  static override smallHeap = true;
  static override summary = 'Write the stored records (or, with --candles, the raw candles) of a range as CSV, NDJSON or Parquet.';
  static override description =
    'Sorted by pair and time, with the columns named as in the store and a `date` column (ISO, UTC) after `timestamp` (Unix seconds); no value is an empty CSV field or JSON null. Streams a page at a time, so memory does not grow with the store. With --out, the file is written beside its final name and renamed when complete: an interrupted export leaves no half-written file.';
  static override examples = [
    '<%= config.bin %> export --format csv --out mms.csv',
    '<%= config.bin %> export --format ndjson --pairs BRLBTC --from 2022-01-01 --to 2022-03-31 > q1.ndjson',
    '<%= config.bin %> export --format csv --candles --out candles.csv --force',
  ];
  static override flags = {
    format: Flags.string({summary: 'csv, ndjson or parquet (parquet needs --out).', options: [...EXPORT_FORMATS, 'parquet'], required: true}),
    pairs: pairsFlag(),
    from: Flags.string({summary: 'First bar: YYYY-MM-DD (UTC) or Unix seconds (default: the oldest stored).', helpValue: '<day>'}),
    to: Flags.string({summary: 'Last bar, inclusive (default: the newest stored).', helpValue: '<day>'}),
    out: Flags.string({summary: 'The file to write; - (the default) for standard output.', helpValue: '<file>', default: '-'}),
    force: Flags.boolean({summary: 'Replace --out if it exists.'}),
    candles: Flags.boolean({summary: 'The raw candles (open, high, low, close, volume, exact as received) instead of the records.'}),
  };

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(Export);
    const format = flags.format as (typeof EXPORT_FORMATS)[number] | 'parquet';
    const from = flags.from === undefined ? undefined : parseTimeFlag('from', flags.from);
    const to = flags.to === undefined ? undefined : parseTimeFlag('to', flags.to);
    if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${flags.from} is after --to ${flags.to}.`);
    const toStdout = flags.out === '-';
    if (toStdout && this.jsonEnabled()) throw new UsageError('--json prints the summary on standard output: give --out <file> for the data.');
    if (toStdout && format === 'parquet') throw new UsageError('--format parquet writes a file: give --out <file>.');
    const out = toStdout ? '-' : resolve(flags.out);
    if (!toStdout) checkOut(out, flags.force);
    const {container} = await this.openContainer(flags.config);
    const service = await container.getAsync<ExportService>(TOKENS.ExportService);
    const options = {format, pairs: flags.pairs, from, to, candles: flags.candles, signal: this.signal};
    service.check(options);
    let pairs: ExportPairResult[] = [];
    const done = (result: ExportPairResult[]) => {
      pairs = result;
    };
    if (format === 'parquet') await writeParquet(out, service.columns(options), service.rows(options, done));
    else {
      const chunks = service.chunks({...options, format}, done);
      if (toStdout) {
        for await (const chunk of chunks) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      } else await writeThenRename(out, chunks);
    }
    const what = flags.candles ? 'candle(s)' : 'record(s)';
    for (const p of pairs) this.logToStderr(`${p.pair}  ${p.rows} ${what}`);
    if (!toStdout) this.logToStderr(`Wrote ${out}`);
    return {format, out, candles: flags.candles, pairs};
  }
}

/** `--out` must name a file in an existing directory, and not an existing file unless `--force`. */
function checkOut(out: string, force: boolean): void {
  const directory = dirname(out);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new UsageError(`--out ${out}: the directory ${directory} does not exist; create it first, or write elsewhere.`);
  }
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a directory; give a file name.`);
  if (existsSync(out) && !force) throw new UsageError(`--out ${out} exists; give --force to replace it, or another file name.`);
}
