import type {FastifyInstance} from 'fastify';
import {errorSchema} from '../api-error.js';
import {splitPair} from '../split-pair.js';
import {MAX_AGE_DAYS, timeBounds} from '../time-range-query.js';
import type {DataRouteOptions} from './series-route.js';

/**
 * GET /pairs — what a client needs before asking for data: the configured pairs (with their quote and base
 * currencies and newest stored day), the windows and fields served, and the server's "today", which decides the bounds of
 * `from` and `to` (the server's clock may not be the client's: MMS_NOW, another time zone, a skewed PC).
 */
export function pairsRoute(app: FastifyInstance, options: DataRouteOptions): void {
  const {pairs, windows, fields, cache, clock} = options;
  const body = {
    type: 'object',
    required: ['today', 'oldestFrom', 'windows', 'fields', 'pairs'],
    properties: {
      today: {type: 'integer', description: "Today's 00:00 UTC on the server, Unix seconds; `to` defaults to the day before"},
      oldestFrom: {type: 'integer', description: `The smallest \`from\` accepted: ${MAX_AGE_DAYS} days before today`},
      windows: {type: 'array', items: {type: 'integer'}, description: 'The windows `/{pair}/mms?range=` takes, in days'},
      fields: {
        type: 'array',
        description: 'Every field `/{pair}/records` has besides timestamp and close, as the transform that writes it describes it',
        items: {
          type: 'object',
          required: ['name', 'label', 'description', 'unit'],
          properties: {
            name: {type: 'string', description: 'The key in each record, e.g. mms_20'},
            label: {type: 'string', description: 'A short name for a legend, e.g. MMS 20'},
            description: {type: 'string'},
            unit: {type: 'string', enum: ['price', 'number'], description: 'price: in the quote currency, like the close; number: anything else'},
          },
        },
      },
      pairs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pair', 'quote', 'base', 'latest'],
          properties: {
            pair: {type: 'string', description: 'Quote + base, e.g. BRLBTC'},
            quote: {type: ['string', 'null'], description: 'The currency prices are in, e.g. BRL; null when the name does not start with a known one'},
            base: {type: ['string', 'null'], description: 'The asset priced, e.g. BTC; null when quote is'},
            latest: {type: ['integer', 'null'], description: 'Newest stored day, Unix seconds; null when none is stored (or the store was never read)'},
          },
        },
      },
    },
  } as const;
  // No query parameters; an unknown one is refused as on every data route (a typo is never silently ignored).
  const querystring = {type: 'object', additionalProperties: false, properties: {}} as const;
  app.get(
    '/pairs',
    {schema: {summary: 'The configured pairs and windows, and the bounds of from/to', querystring, response: {200: body, 400: errorSchema}}},
    async () => {
      const {today, oldestFrom} = timeBounds(clock);
      const latest = cache.health().latest;
      return {
        today,
        oldestFrom,
        windows,
        fields,
        pairs: pairs.map((pair) => {
          const {quote = null, base = null} = splitPair(pair) ?? {};
          return {pair, quote, base, latest: latest.get(pair) ?? null};
        }),
      };
    },
  );
}
