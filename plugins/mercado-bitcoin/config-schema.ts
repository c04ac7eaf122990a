import {z} from 'zod';

const positiveInt = (what: string) =>
  z
    .number({error: `expected ${what}`})
    .int({error: `expected ${what}`})
    .positive({error: `expected ${what}`});
const nonNegativeInt = (what: string) =>
  z
    .number({error: `expected ${what}`})
    .int({error: `expected ${what}`})
    .nonnegative({error: `expected ${what}`});

export const DEFAULT_BASE_URLS = {
  v4: 'https://api.mercadobitcoin.net/api/v4',
  legacy: 'https://mobile.mercadobitcoin.com.br/v4',
} as const;

export const mercadoBitcoinConfigSchema = z.strictObject({
  /** `v4`: GET {baseUrl}/candles (column arrays of decimal strings); `legacy`: GET {baseUrl}/{PAIR}/candle. */
  api: z.enum(['v4', 'legacy'], {error: 'expected "v4" or "legacy"'}).default('v4'),
  baseUrl: z
    // abort: a value that is no URL at all must stop here, or the refinement's `new URL` throws on it.
    .url({protocol: /^https?$/, error: 'expected an http(s) URL', abort: true})
    .refine((url) => {
      const parsed = new URL(url);
      return !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
    }, 'expected the API root only: no user name or password, query or fragment (MB needs no credentials)')
    .optional(),
  /** Bars per request; MB documents no cap, clients keep to ≤ 500–1000. */
  chunkSize: positiveInt('an integer from 1 to 1000').max(1000, {error: 'expected an integer from 1 to 1000'}).default(500),
  /** Minimum time between two requests to the API host (MB documents 1 request/s for candles). */
  minIntervalMs: nonNegativeInt('a non-negative integer (milliseconds)').default(1000),
  timeoutMs: positiveInt('a positive integer (milliseconds)').default(10_000),
  retry: z
    .strictObject({
      limit: nonNegativeInt('a non-negative integer').max(10, {error: 'expected at most 10 retries'}).default(4),
      baseDelayMs: nonNegativeInt('a non-negative integer (milliseconds)').default(1000),
      maxDelayMs: nonNegativeInt('a non-negative integer (milliseconds)').default(30_000),
    })
    .prefault({}),
  userAgent: z.string({error: 'expected a string'}).min(1, {error: 'expected a non-empty string'}).optional(),
});

export type MercadoBitcoinConfig = z.output<typeof mercadoBitcoinConfigSchema>;
