import type {FastifyInstance} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {errorSchema, isApiError, STORE_UNAVAILABLE} from '../api-error.js';
import type {SeriesCache} from '../series-cache.js';
import {resolveTimeRange, type TimeRangeQuery, timeRangeQuery} from '../time-range-query.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * GET /:pair/records?from=&to= — every stored day in the range with its close and the average of each
 * configured window (`null` where the window has no value that day, never 0): what a chart needs in one
 * request instead of one per window. Same bounds and errors as /:pair/mms.
 */
export function recordsRoute(app: FastifyInstance, options: {pairs: readonly string[]; windows: readonly number[]; cache: SeriesCache; clock: Clock}): void {
  const {pairs, windows, cache, clock} = options;
  const value = {type: ['number', 'null']} as const;
  const row = {
    type: 'object',
    required: ['timestamp', 'close', ...windows.map((w) => `mms_${w}`)],
    properties: {
      timestamp: {type: 'integer', description: "The day's 00:00 UTC, Unix seconds"},
      close: {...value, description: 'Close of the day, in the quote currency'},
      ...Object.fromEntries(windows.map((w) => [`mms_${w}`, {...value, description: `${w}-day simple moving average of the close; null without ${w} days of history`}])),
    },
  };
  app.get<{Params: {pair: string}; Querystring: TimeRangeQuery}>(
    '/:pair/records',
    {
      schema: {
        summary: 'Daily close and every moving average of a pair',
        params: {type: 'object', required: ['pair'], properties: {pair: {type: 'string', enum: [...pairs], description: 'A configured pair, e.g. BRLBTC'}}},
        querystring: {type: 'object', additionalProperties: false, required: ['from'], properties: timeRangeQuery},
        response: {200: {type: 'array', items: row}, 400: errorSchema, 503: errorSchema},
      },
    },
    async (request, reply) => {
      const range = resolveTimeRange(request.query, clock);
      if (isApiError(range)) return reply.code(400).send(range);
      const body = cache.rowsBody(request.params.pair, range.from, range.to);
      if (body === undefined) return reply.code(503).send(STORE_UNAVAILABLE);
      // Already JSON in the 200 schema's shape (which documents it): sent as is.
      return reply.type(JSON_TYPE).send(body);
    },
  );
}
