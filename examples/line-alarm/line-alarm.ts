import {appendFile, mkdir} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {AlarmError, definePlugin, type GapReport} from 'mms';
import {z} from 'zod';

/**
 * One line per pair with something missing, e.g.
 * `2022-04-29T12:00:00.000Z BRLBTC missing 2022-04-27..2022-04-28 (2 bars, not-ingested)`: greppable, and
 * what a log shipper or `tail -f` in a terminal picks up.
 */
export function alarmLines(report: GapReport): string[] {
  return report.pairs
    .filter((pair) => pair.missingBars > 0 || pair.incompleteBars > 0)
    .map((pair) => {
      const missing = pair.missing.map((run) => `missing ${run.from}..${run.to} (${run.bars} bars, ${run.cause})`);
      const incomplete = pair.incomplete.map((run) => `incomplete ${run.from}..${run.to} (${run.bars} bars, ${run.cause})`);
      return `${report.checkedAt} ${pair.pair} ${[...missing, ...incomplete].join('; ')}`;
    });
}

/**
 * An alarm as a user writes it: `mms gaps` calls `fire(report)` once per run, only when something is
 * missing. This one appends to a file, so the history of alarms stays (the bundled `file` alarm keeps only
 * the latest report).
 */
export default definePlugin({
  name: 'line-file',
  kind: 'alarm',
  description: 'Appends one line per pair with gaps to a text file',
  configSchema: z.strictObject({path: z.string().min(1).default('data/alarms.log')}),
  create({config, configDir}) {
    const path = resolve(configDir, config.path);
    return {
      name: 'line-file',
      async fire(report: GapReport) {
        try {
          await mkdir(dirname(path), {recursive: true});
          await appendFile(
            path,
            alarmLines(report)
              .map((line) => `${line}\n`)
              .join(''),
          );
        } catch (error) {
          // An AlarmError makes `mms gaps` exit 7 (an alarm could not be raised) and still fire the others.
          throw new AlarmError(`line-file alarm: cannot append to ${path} (${(error as Error).message}); check alarms[].path.`, {cause: error});
        }
      },
    };
  },
});
