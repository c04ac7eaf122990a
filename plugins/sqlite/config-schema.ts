import {z} from 'zod';

export const sqliteConfigSchema = z.strictObject({
  path: z
    .string({error: 'expected a file path'})
    .min(1, {error: 'expected a non-empty file path'})
    .default('data/mms.db')
    .meta({description: "The database file, relative to the config file's directory; created on first use."}),
  busyTimeoutMs: z
    .number({error: 'expected a positive integer (milliseconds)'})
    .int({error: 'expected a positive integer (milliseconds)'})
    .positive({error: 'expected a positive integer (milliseconds)'})
    .max(600_000, {error: 'expected at most 600000 (10 minutes)'})
    .default(10_000)
    .meta({
      description:
        "How long a writer waits for another one's transaction (a shard, `mms retry`) before failing (exit 4), in milliseconds; each transaction is one page, so waits are short.",
    }),
});

export type SqliteConfig = z.output<typeof sqliteConfigSchema>;
