import type {FastifyInstance} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {lastCompleteBar} from '../../core/time/last-complete-bar.js';
import type {SeriesCache} from '../series-cache.js';
import {DAY, MAX_AGE_DAYS} from '../time-range-query.js';

/**
 * GET /pairs — what a client needs before asking for data: the configured pairs (with their quote and base
 * currencies and newest stored day), the windows, and the server's "today", which decides the bounds of
 * `from` and `to` (the server's clock may not be the client's: MMS_NOW, another time zone, a skewed PC).
 */
export function pairsRoute(app: FastifyInstance, options: {pairs: readonly string[]; windows: readonly number[]; cache: SeriesCache; clock: Clock}): void {
  const {pairs, windows, cache, clock} = options;
  const body = {
    type: 'object',
    required: ['today', 'oldestFrom', 'windows', 'pairs'],
    properties: {
      today: {type: 'integer', description: "Today's 00:00 UTC on the server, Unix seconds; `to` defaults to the day before"},
      oldestFrom: {type: 'integer', description: `The smallest \`from\` accepted: ${MAX_AGE_DAYS} days before today`},
      windows: {type: 'array', items: {type: 'integer'}, description: 'The configured windows, in days'},
      pairs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pair', 'quote', 'base', 'latest'],
          properties: {
            pair: {type: 'string', description: 'Quote + base, e.g. BRLBTC'},
            quote: {type: 'string', description: 'The currency prices are in, e.g. BRL'},
            base: {type: 'string', description: 'The asset priced, e.g. BTC'},
            latest: {type: ['integer', 'null'], description: 'Newest stored day, Unix seconds; null when none is stored (or the store was never read)'},
          },
        },
      },
    },
  } as const;
  app.get('/pairs', {schema: {summary: 'The configured pairs and windows, and the bounds of from/to', response: {200: body}}}, async () => {
    const today = lastCompleteBar(clock.now(), DAY) + DAY;
    const latest = cache.health().latest;
    return {
      today,
      oldestFrom: today - MAX_AGE_DAYS * DAY,
      windows,
      pairs: pairs.map((pair) => ({pair, ...splitPair(pair), latest: latest.get(pair) ?? null})),
    };
  });
}

/** Pairs are named quote + base with a three-letter (ISO 4217) quote: BRLBTC is BTC priced in BRL. */
function splitPair(pair: string): {quote: string; base: string} {
  return {quote: pair.slice(0, 3), base: pair.slice(3)};
}
