import {z} from 'zod';

const positiveInt = (what: string) =>
  z
    .number({error: `expected ${what}`})
    .int({error: `expected ${what}`})
    .positive({error: `expected ${what}`});
const name = z.string({error: 'expected a name'}).regex(/^[A-Za-z0-9_-]{1,63}$/, {error: 'expected letters, digits, "_" or "-" (at most 63)'});

export const mongodbConfigSchema = z.strictObject({
  url: z
    .string({error: 'expected a MongoDB connection string such as mongodb://localhost:27017 (set MMS_MONGODB_URL)'})
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, {error: 'expected a connection string starting with mongodb:// or mongodb+srv://'})
    .meta({
      description:
        'mongodb:// or mongodb+srv:// connection string; in mms.config.ts usually process.env.MMS_MONGODB_URL. Printed only with the user and password replaced by ***.',
    }),
  database: name.default('mms').meta({description: 'The database of the records, the ledger and the locks.'}),
  collection: name.default('mms').meta({description: 'The collection of the records (one document per pair and bar).'}),
  stateCollection: name
    .optional()
    .meta({description: 'The ledger (one document per pair, ledger:<pair>) and the run locks (lock:<pair>). Default: <collection>_state.'}),
  candlesCollection: name
    .optional()
    .meta({description: 'The raw candles (one document per pair and bar, values as decimal strings). Default: <collection>_candles.'}),
  batchSize: positiveInt('a positive integer')
    .max(100_000, {error: 'expected at most 100000'})
    .default(1000)
    .meta({description: 'Upserts (records or candles) per unordered bulkWrite.'}),
  serverSelectionTimeoutMs: positiveInt('a positive integer (milliseconds)')
    .default(5000)
    .meta({description: 'Bounded wait for a server, in milliseconds: an unreachable one fails the run in seconds (exit 4).'}),
  connectTimeoutMs: positiveInt('a positive integer (milliseconds)').default(10_000).meta({description: 'Bounded wait for a connection, in milliseconds.'}),
  socketTimeoutMs: positiveInt('a positive integer (milliseconds)').default(30_000).meta({description: 'Bounded wait for an answer, in milliseconds.'}),
});

export type MongodbConfig = z.output<typeof mongodbConfigSchema>;
