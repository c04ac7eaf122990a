import {statSync} from 'node:fs';
import {Flags} from '@oclif/core';
import {MmsCommand} from '../cli/mms-command.js';
import {pairsFlag} from '../cli/pairs-flag.js';
import type {RunRecord} from '../core/contracts/state-store.js';
import type {StatusResult, StatusService} from '../core/pipeline/status-service.js';
import {TOKENS} from '../core/tokens.js';

export default class Status extends MmsCommand<StatusResult & {readonly bytes: number | null}> {
  static override summary = 'What the store holds per pair, how far behind it is, and how the last runs went.';
  static override description =
    'Per pair: the first and last stored bar, the records, those still incomplete, the bars the source has no candle for, the windows queued for retry, and how many bars the store is behind the last complete one (yesterday for daily bars). For the store: its sink, location, size, resolution and fields, and its last runs (a run killed before its end shows as unfinished). It queries the store; it never loads it.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --pairs BRLBTC --runs 30 --json'];
  static override flags = {
    pairs: pairsFlag(),
    runs: Flags.integer({summary: 'Runs to show, newest first.', default: 10, min: 0, max: 1000}),
  };

  async run(): Promise<StatusResult & {readonly bytes: number | null}> {
    const {flags} = await this.parse(Status);
    const {container} = await this.openContainer(flags.config);
    const result = await (await container.getAsync<StatusService>(TOKENS.StatusService)).status({pairs: flags.pairs, runs: flags.runs});
    const bytes = fileBytes(result.store.location);
    const {store} = result;
    this.log(
      `${store.sink} store ${store.location}${bytes === null ? '' : ` (${(bytes / 1_048_576).toFixed(1)} MB)`}, ${store.resolution} bars, fields ${store.fields.join(', ') || 'none'}`,
    );
    const unit = store.resolution === '1d' ? 'day' : 'bar';
    const rows = [
      ['pair', 'first', 'last', 'records', 'incomplete', 'holes', 'pending', 'behind', 'last run'],
      ...result.pairs.map((p) => [
        p.pair,
        p.first ?? '-',
        p.last ?? '-',
        String(p.records),
        String(p.incomplete),
        String(p.holeBars),
        String(p.pending),
        p.behind === null ? 'empty' : `${p.behind} ${unit}${p.behind === 1 ? '' : 's'}`,
        p.lastRun === null ? '-' : `${p.lastRun.command} ${p.lastRun.outcome} ${p.lastRun.startedAt.slice(0, 16)}Z`,
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const left = new Set([0, 1, 2, 8]);
    for (const row of rows)
      this.log(
        row
          .map((cell, i) => (left.has(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
          .join('  ')
          .trimEnd(),
      );
    if (!result.keepsRunHistory) this.log('(this store keeps no run history)');
    else if (result.runs.length === 0) this.log('No run recorded yet.');
    else {
      this.log(`last ${result.runs.length} run(s), newest first:`);
      for (const run of result.runs) this.log(`  ${describeRun(run)}`);
    }
    return {...result, bytes};
  }
}

function describeRun(run: RunRecord): string {
  const args = run.args.length > 0 ? ` ${run.args.join(' ')}` : '';
  if (run.endedAt === undefined) return `${run.startedAt}  ${run.command}${args}  UNFINISHED (pid ${run.pid} on ${run.host}: still running, or killed)`;
  const seconds = ((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1);
  const counts = [run.written === undefined ? '' : `${run.written} written`, run.requests === undefined ? '' : `${run.requests} request(s)`]
    .filter(Boolean)
    .join(', ');
  return `${run.startedAt}  ${run.command}${args}  ${run.outcome} (exit ${run.exitCode}) in ${seconds} s${counts ? `, ${counts}` : ''}${run.error ? ` — ${run.error}` : ''}`;
}

/** The size of a file store with its SQLite journal files; null for a store that is no local file. */
function fileBytes(location: string): number | null {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return undefined;
    }
  };
  const main = size(location);
  if (main === undefined) return null;
  return main + (size(`${location}-wal`) ?? 0) + (size(`${location}-shm`) ?? 0);
}
