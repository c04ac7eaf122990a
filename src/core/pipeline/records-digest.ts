import {createHash, type Hash} from 'node:crypto';
import type {MmsRecord} from '../contracts/record.js';

/**
 * A content digest of one pair's records: SHA-256 over one canonical line per record, ascending — the
 * timestamp, then `close` and each field in name order, each value as the shortest decimal that gives its
 * float64 back (`String(v)`) or `null` (a missing field counts as null). Equal for equal data in any sink,
 * whatever order or layout the sink keeps: two stores (a replica, a copy, JSON vs SQLite vs MongoDB) are
 * compared by their one-line digests.
 */
export class RecordsDigest {
  private readonly hash: Hash;
  private readonly fields: readonly string[];
  private count = 0;

  constructor(pair: string, fields: readonly string[]) {
    this.fields = ['close', ...[...fields].sort()];
    this.hash = createHash('sha256').update(`mms-records-v1\n${pair}\n${this.fields.join(',')}\n`);
  }

  /** Adds records, which must come in ascending timestamp order over all calls. */
  add(records: readonly MmsRecord[]): void {
    let lines = '';
    for (const record of records) {
      lines += String(record.timestamp);
      for (const field of this.fields) {
        const value = record[field];
        lines += `\t${typeof value === 'number' ? String(value) : 'null'}`;
      }
      lines += '\n';
    }
    this.hash.update(lines);
    this.count += records.length;
  }

  /** `sha256:<hex>` of the records added (the digest of no record when none was). */
  digest(): {records: number; digest: string} {
    return {records: this.count, digest: `sha256:${this.hash.copy().digest('hex')}`};
  }
}
