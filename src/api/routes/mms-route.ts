import type {FastifyInstance} from 'fastify';
import {errorSchema} from '../api-error.js';
import {type TimeRangeQuery, timeRangeQuery} from '../time-range-query.js';
import {type DataRouteOptions, pairParams, seriesHandler} from './series-route.js';

interface Query extends TimeRangeQuery {
  range: number;
}

/**
 * GET /:pair/mms?from=&to=&range= — the challenge's contract: `[{timestamp, mms}]`, ascending, `timestamp`
 * the day's 00:00 UTC in seconds, `from <= timestamp <= to`, days without a value for the window omitted.
 */
export function mmsRoute(app: FastifyInstance, options: DataRouteOptions): void {
  const {pairs, windows, cache, clock} = options;
  app.get<{Params: {pair: string}; Querystring: Query}>(
    '/:pair/mms',
    {
      schema: {
        summary: 'Simple moving average of the daily close of a pair',
        params: pairParams(pairs),
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'range'],
          properties: {...timeRangeQuery, range: {type: 'integer', enum: [...windows], description: 'The window in days'}},
        },
        response: {
          200: {
            type: 'array',
            items: {type: 'object', required: ['timestamp', 'mms'], properties: {timestamp: {type: 'integer'}, mms: {type: 'number'}}},
          },
          400: errorSchema,
          503: errorSchema,
        },
      },
    },
    seriesHandler<Query>(clock, (request, from, to) => cache.points(request.params.pair, `mms_${request.query.range}`, from, to)),
  );
}
