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
  api: z.enum(['v4', 'legacy'], {error: 'expected "v4" or "legacy"'}).default('v4').meta({
    description:
      '`v4`: GET {baseUrl}/candles?symbol=BTC-BRL&resolution=1d&from=&to= (column arrays of decimal strings). `legacy`: GET {baseUrl}/{PAIR}/candle?from=&to=&precision=1d (the API the challenge names).',
  }),
  baseUrl: z
    // abort: a value that is no URL at all must stop here, or the refinement's `new URL` throws on it.
    .url({protocol: /^https?$/, error: 'expected an http(s) URL', abort: true})
    .refine((url) => {
      const parsed = new URL(url);
      return !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
    }, 'expected the API root only: no user name or password, query or fragment (MB needs no credentials)')
    .optional()
    .meta({
      description:
        'API root, without credentials, query or fragment. Default: https://api.mercadobitcoin.net/api/v4 for v4, https://mobile.mercadobitcoin.com.br/v4 for legacy.',
    }),
  chunkSize: positiveInt('an integer from 1 to 1000')
    .max(1000, {error: 'expected an integer from 1 to 1000'})
    .default(500)
    .meta({description: 'Bars per request (1–1000; MB documents no cap).'}),
  minIntervalMs: nonNegativeInt('a non-negative integer (milliseconds)')
    .default(1000)
    .meta({description: 'Minimum time between two requests to the host, retries included (MB documents 1 request/s for candles).'}),
  timeoutMs: positiveInt('a positive integer (milliseconds)').default(10_000).meta({description: 'Per-attempt timeout, in milliseconds.'}),
  retry: z
    .strictObject({
      limit: nonNegativeInt('a non-negative integer').max(10, {error: 'expected at most 10 retries'}).default(4).meta({
        description:
          'Retries of a transient failure (network error, timeout, 408, 429, 5xx), with exponential backoff and full jitter; Retry-After is honoured.',
      }),
      baseDelayMs: nonNegativeInt('a non-negative integer (milliseconds)').default(1000).meta({description: 'First backoff delay, in milliseconds.'}),
      maxDelayMs: nonNegativeInt('a non-negative integer (milliseconds)')
        .default(30_000)
        .meta({description: 'Cap on any delay, Retry-After included, in milliseconds.'}),
    })
    .prefault({}),
  userAgent: z
    .string({error: 'expected a string'})
    .min(1, {error: 'expected a non-empty string'})
    .optional()
    .meta({description: "User-Agent header (default: ky's)."}),
});

export type MercadoBitcoinConfig = z.output<typeof mercadoBitcoinConfigSchema>;
