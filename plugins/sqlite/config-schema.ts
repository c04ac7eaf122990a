import {z} from 'zod';

export const sqliteConfigSchema = z.strictObject({
  /** The SQLite database file; a relative path resolves against the config file's directory. */
  path: z.string({error: 'expected a file path'}).min(1, {error: 'expected a non-empty file path'}).default('data/mms.db'),
  /**
   * How long a writer waits for another one to finish its transaction (another shard, `mms retry`) before
   * the write fails. Each transaction is one page of records, so waits are short.
   */
  busyTimeoutMs: z
    .number({error: 'expected a positive integer (milliseconds)'})
    .int({error: 'expected a positive integer (milliseconds)'})
    .positive({error: 'expected a positive integer (milliseconds)'})
    .max(600_000, {error: 'expected at most 600000 (10 minutes)'})
    .default(10_000),
});

export type SqliteConfig = z.output<typeof sqliteConfigSchema>;
