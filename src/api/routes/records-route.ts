import type {FastifyInstance} from 'fastify';
import {errorSchema} from '../api-error.js';
import {type TimeRangeQuery, timeRangeQuery} from '../time-range-query.js';
import {type DataRouteOptions, pairParams, seriesHandler} from './series-route.js';

/**
 * GET /:pair/records?from=&to= — every stored day in the range with its close and every field the configured
 * transforms write (`null` where a field has no value that day, never 0): what a chart needs in one request
 * instead of one per window. Same bounds and errors as /:pair/mms.
 */
export function recordsRoute(app: FastifyInstance, options: DataRouteOptions): void {
  const {pairs, fields, cache, clock} = options;
  const value = {type: ['number', 'null']} as const;
  const row = {
    type: 'object',
    required: ['timestamp', 'close', ...fields.map((f) => f.name)],
    properties: {
      timestamp: {type: 'integer', description: "The day's 00:00 UTC, Unix seconds"},
      close: {...value, description: 'Close of the day, in the quote currency'},
      ...Object.fromEntries(fields.map((f) => [f.name, {...value, description: f.description}])),
    },
  };
  app.get<{Params: {pair: string}; Querystring: TimeRangeQuery}>(
    '/:pair/records',
    {
      schema: {
        summary: 'Daily close and every moving average of a pair',
        params: pairParams(pairs),
        querystring: {type: 'object', additionalProperties: false, required: ['from'], properties: timeRangeQuery},
        response: {200: {type: 'array', items: row}, 400: errorSchema, 503: errorSchema},
      },
    },
    seriesHandler(clock, (request, from, to) => cache.rows(request.params.pair, from, to)),
  );
}
