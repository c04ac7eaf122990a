import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import {EXIT_CODES} from '../core/errors/exit-codes.js';
import type {PairVerification, VerifyResult, VerifyService} from '../core/pipeline/verify-service.js';
import {parseTimeFlag} from '../core/time/parse-time-flag.js';
import {TOKENS} from '../core/tokens.js';

/** Mismatches and days printed per pair in the text output (--json lists up to 1,000 of each). */
const PRINTED = 20;

export default class Verify extends MmsCommand<VerifyResult> {
  static override smallHeap = true;
  static override summary = 'Re-derive every stored average from the stored candles and compare bit for bit; print a digest per pair.';
  static override description =
    "Runs the config's transforms over the candles the store kept (no request to the exchange) and compares each stored value with the result, bit for bit: each mismatch is reported (pair, day, field, stored, expected), and so is each record whose candle is missing. Also prints, per pair, a content digest of its records (sha256 over a canonical form): equal for equal data in any sink, so two stores compare with one line each. Reads page by page and writes nothing. --digest-only prints the digests alone, for any sink. Exit 0 when everything matches; 8 when a value differs, a candle is missing or a stored value is invalid; 2 for a sink that keeps no candles (the JSON file) without --digest-only.";
  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify --pairs BRLBTC --from 2022-01-01 --to 2022-03-31 --json',
    '<%= config.bin %> verify --config replica.config.ts --pairs BRLBTC',
  ];
  static override flags = {
    pairs: pairsFlag(),
    from: Flags.string({summary: 'First bar to check: YYYY-MM-DD (UTC) or Unix seconds (default: the oldest stored).', helpValue: '<day>'}),
    to: Flags.string({summary: 'Last bar to check, inclusive (default: the newest stored).', helpValue: '<day>'}),
    'digest-only': Flags.boolean({summary: 'Only the digests (any sink, one that keeps no candles too): compare two stores without checking values.'}),
  };

  async run(): Promise<VerifyResult> {
    const {flags} = await this.parse(Verify);
    const from = flags.from === undefined ? undefined : parseTimeFlag('from', flags.from);
    const to = flags.to === undefined ? undefined : parseTimeFlag('to', flags.to);
    const {container} = await this.openContainer(flags.config);
    const service = await container.getAsync<VerifyService>(TOKENS.VerifyService);
    const result = await service.verify({pairs: flags.pairs, from, to, digestOnly: flags['digest-only'], signal: this.signal});
    for (const pair of result.pairs) this.log(describe(pair, result.checked));
    if (!result.ok) {
      process.exitCode = EXIT_CODES.mismatch;
      this.logToStderr(
        result.pairs.some((p) => p.unreadable !== undefined)
          ? 'Some stored data is not what mms writes (see above): fix or delete it, then run `mms verify` again.'
          : 'Stored values do not match their candles (see above): `mms recompute` rewrites them from the stored candles.',
      );
    }
    return result;
  }
}

function describe(p: PairVerification, checked: boolean): string {
  const span = p.first === null ? 'no record' : `${p.records} record(s) ${p.first}..${p.last}`;
  const lines = [`${p.pair}  ${span}  ${p.digest}`];
  if (p.unreadable !== undefined) lines.push(`  UNREADABLE: ${p.unreadable}`);
  if (checked && p.mismatchCount === 0 && p.withoutCandleCount === 0 && p.unreadable === undefined)
    lines.push(`  all ${p.values} value(s) match their candles`);
  if (p.mismatchCount > 0) {
    lines.push(`  ${p.mismatchCount} value(s) differ from what the stored candles give:`);
    for (const m of p.mismatches.slice(0, PRINTED)) lines.push(`    ${m.day}  ${m.field}  stored ${String(m.stored ?? null)}, expected ${String(m.expected)}`);
    if (p.mismatchCount > PRINTED) lines.push(`    … and ${p.mismatchCount - PRINTED} more (--json lists up to 1,000)`);
  }
  if (p.withoutCandleCount > 0) {
    const days = p.withoutCandle.slice(0, PRINTED).join(', ');
    lines.push(`  ${p.withoutCandleCount} record(s) without a stored candle to check them against: ${days}${p.withoutCandleCount > PRINTED ? ', …' : ''}`);
    lines.push('  (a backfill over those days, `mms ingest --from <day> --to <day>`, stores their candles)');
  }
  return lines.join('\n');
}
