import {createReadStream} from 'node:fs';
import {appendFile, mkdir} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {createInterface} from 'node:readline';
import {definePlugin, type MmsRecord, type Sink, SinkError, type TimeRange} from 'mms';
import {z} from 'zod';

/**
 * A sink as a user writes it: newline-delimited JSON, one record per line, appended — the format other
 * tools (jq, DuckDB, log shippers) read. A later line for the same (pair, timestamp) wins, field by field,
 * so upserts stay idempotent without rewriting the file; memory stays flat however long the backfill.
 */
class NdjsonSink implements Sink {
  readonly name = 'ndjson';
  private readonly path: string;

  // Plain fields, no `private readonly` parameters: Node runs this file as is, stripping only the types.
  constructor(path: string) {
    this.path = path;
  }

  async upsert(records: readonly MmsRecord[]): Promise<void> {
    if (records.length === 0) return;
    await mkdir(dirname(this.path), {recursive: true});
    await appendFile(this.path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  async latestTimestamp(pair: string): Promise<number | undefined> {
    let latest: number | undefined;
    for await (const record of this.lines()) {
      if (record.pair === pair && (latest === undefined || record.timestamp > latest)) latest = record.timestamp;
    }
    return latest;
  }

  async readRange(pair: string, range: TimeRange): Promise<MmsRecord[]> {
    const merged = new Map<number, MmsRecord>();
    for await (const record of this.lines()) {
      if (record.pair !== pair || record.timestamp < range.from || record.timestamp > range.to) continue;
      merged.set(record.timestamp, {...merged.get(record.timestamp), ...record});
    }
    return [...merged.values()].sort((a, b) => a.timestamp - b.timestamp);
  }

  async listTimestamps(pair: string, range: TimeRange, complete: readonly string[] = []): Promise<number[]> {
    const records = await this.readRange(pair, range);
    return records.filter((r) => complete.every((field) => r[field] !== null && r[field] !== undefined)).map((r) => r.timestamp);
  }

  private async *lines(): AsyncGenerator<MmsRecord> {
    const stream = createReadStream(this.path, 'utf8');
    try {
      let n = 0;
      for await (const line of createInterface({input: stream, crlfDelay: Infinity})) {
        n++;
        if (line.trim() === '') continue;
        try {
          yield JSON.parse(line) as MmsRecord;
        } catch {
          throw new SinkError(`ndjson: ${this.path} line ${n} is not JSON; fix or remove that line.`);
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

export default definePlugin({
  name: 'ndjson',
  kind: 'sink',
  description: 'Appends records as newline-delimited JSON to a file',
  configSchema: z.strictObject({path: z.string().min(1).default('data/mms.ndjson')}),
  create: ({config, configDir}) => new NdjsonSink(resolve(configDir, config.path)),
});

export {NdjsonSink};
