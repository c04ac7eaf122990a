import {z} from 'zod';

const positiveInt = (what: string) =>
  z
    .number({error: `expected ${what}`})
    .int({error: `expected ${what}`})
    .positive({error: `expected ${what}`});
const name = z.string({error: 'expected a name'}).regex(/^[A-Za-z0-9_-]{1,63}$/, {error: 'expected letters, digits, "_" or "-" (at most 63)'});

export const mongodbConfigSchema = z.strictObject({
  /** Connection string; in mms.config.ts usually `process.env.MMS_MONGODB_URL`. Never printed unredacted. */
  url: z
    .string({error: 'expected a MongoDB connection string such as mongodb://localhost:27017 (set MMS_MONGODB_URL)'})
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, {error: 'expected a connection string starting with mongodb:// or mongodb+srv://'}),
  database: name.default('mms'),
  collection: name.default('mms'),
  /** Where the run state (ledger, holes) and the run lock live; default `<collection>_state`. */
  stateCollection: name.optional(),
  /** Upserts per bulkWrite. */
  batchSize: positiveInt('a positive integer').max(100_000, {error: 'expected at most 100000'}).default(1000),
  serverSelectionTimeoutMs: positiveInt('a positive integer (milliseconds)').default(5000),
  connectTimeoutMs: positiveInt('a positive integer (milliseconds)').default(10_000),
  socketTimeoutMs: positiveInt('a positive integer (milliseconds)').default(30_000),
});

export type MongodbConfig = z.output<typeof mongodbConfigSchema>;
