import {createReadStream} from 'node:fs';
import {resolve} from 'node:path';
import {createInterface, type Interface} from 'node:readline';
import {type Candle, type CandlePage, type CandleQuery, type Clock, ConfigError, definePlugin, type Source, SourceError} from 'mms';
import {z} from 'zod';

const COLUMNS = ['pair', 'date', 'open', 'high', 'low', 'close', 'volume'] as const;
const DAY = 86_400;

/**
 * A source as a user writes it: daily candles from a CSV file (`pair,date,open,high,low,close,volume`, one
 * row per pair and UTC day, in any order) — a spreadsheet export, another exchange's download, a backup.
 * It reads the file on every query rather than keeping it, so it always sees the file as it is now.
 */
class CsvSource implements Source {
  readonly name = 'csv';
  private readonly path: string;
  private readonly clock: Clock;

  // Plain fields, no `private readonly` parameters: Node runs this file as is, stripping only the types.
  constructor(path: string, clock: Clock) {
    this.path = path;
    this.clock = clock;
  }

  async *candles(query: CandleQuery): AsyncIterable<CandlePage> {
    // A day is complete once it has ended: a row for today (a running export) is never yielded.
    const lastComplete = Math.floor(this.clock.now() / 1000 / DAY) * DAY - DAY;
    const candles: Candle[] = [];
    for await (const row of this.rows(query)) {
      if (row.pair !== query.pair || row.candle.timestamp < query.from || row.candle.timestamp > Math.min(query.to, lastComplete)) continue;
      candles.push(row.candle);
    }
    candles.sort((a, b) => a.timestamp - b.timestamp);
    // Pages keep each write small, as an HTTP source's would; a file costs no request.
    for (let i = 0; i < candles.length; i += 1000) yield {candles: candles.slice(i, i + 1000), requests: 0};
  }

  plan(): {requests: number} {
    return {requests: 0};
  }

  private async *rows(query: CandleQuery): AsyncIterable<{pair: string; candle: Candle}> {
    const invalid = (line: number, problem: string) =>
      new SourceError(`csv: ${this.path} line ${line}: ${problem}; fix the file (columns: ${COLUMNS.join(',')}).`, {
        kind: 'invalid-response',
        pair: query.pair,
        from: query.from,
        to: query.to,
      });
    let stream: Interface | undefined;
    try {
      stream = createInterface({input: createReadStream(this.path), crlfDelay: Number.POSITIVE_INFINITY});
      let line = 0;
      for await (const text of stream) {
        line++;
        if (line === 1) {
          if (text.trim() !== COLUMNS.join(',')) throw invalid(line, `expected the header "${COLUMNS.join(',')}", got "${text.trim()}"`);
          continue;
        }
        if (text.trim() === '') continue;
        const cells = text.split(',').map((cell) => cell.trim());
        if (cells.length !== COLUMNS.length) throw invalid(line, `expected ${COLUMNS.length} cells, got ${cells.length}`);
        const [pair, date, ...prices] = cells as [string, string, ...string[]];
        const timestamp = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) / 1000 : Number.NaN;
        if (Number.isNaN(timestamp)) throw invalid(line, `"date" must be a UTC day such as 2022-04-26, got "${date}"`);
        const [open, high, low, close, volume] = prices.map((cell, i) => {
          const value = Number(cell);
          if (cell === '' || !Number.isFinite(value)) throw invalid(line, `"${COLUMNS[i + 2]}" must be a number, got "${cell}"`);
          return value;
        }) as [number, number, number, number, number];
        yield {pair, candle: {timestamp, open, high, low, close, volume}};
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      // A missing or unreadable file will not fix itself on a retry of the same run: say what to do.
      throw new SourceError(`csv: cannot read ${this.path} (${(error as Error).message}); check source.path in the config.`, {
        kind: 'permanent',
        pair: query.pair,
        from: query.from,
        to: query.to,
        cause: error,
      });
    } finally {
      stream?.close();
    }
  }
}

export default definePlugin({
  name: 'csv',
  kind: 'source',
  description: 'Reads daily candles from a CSV file (pair,date,open,high,low,close,volume)',
  configSchema: z.strictObject({path: z.string().min(1).default('candles.csv')}),
  create({config, configDir, configPath, resolution, clock}) {
    if (resolution !== '1d') throw new ConfigError(`${configPath}: the csv source has one row per day; set "resolution" to "1d" (got "${resolution}").`);
    return new CsvSource(resolve(configDir, config.path), clock);
  },
});
