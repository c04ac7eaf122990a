import type {FastifyInstance} from 'fastify';
import {errorSchema} from '../api-error.js';
import {type TimeRangeQuery, timeBounds, timeRangeQuery} from '../time-range-query.js';
import {type DataRouteOptions, pairParams, type PreparedAnswer, seriesHandler} from './series-route.js';

/** Distinct request URLs remembered (each answer is shared with the slice cache, so this is cheap). */
const MAX_ANSWERS = 5000;

interface Query extends TimeRangeQuery {
  range: number;
}

/**
 * GET /:pair/mms?from=&to=&range= — the challenge's contract: `[{timestamp, mms}]`, ascending, `timestamp`
 * the day's 00:00 UTC in seconds, `from <= timestamp <= to`, days without a value for the window omitted.
 */
export function mmsRoute(app: FastifyInstance, options: DataRouteOptions, sendPrepared: PreparedAnswer): void {
  const {pairs, windows, cache, clock} = options;
  // Whole answers by request URL, for as long as the data and "today" (the default `to`) stay the same:
  // a repeated request (a dashboard polling) skips validation and lookup entirely.
  const answered = new Map<string, Buffer>();
  let answeredGeneration = -1;
  let answeredToday = -1;
  app.get<{Params: {pair: string}; Querystring: Query}>(
    '/:pair/mms',
    {
      onRequest: (request, reply, done) => {
        const {today} = timeBounds(clock);
        if (cache.generation !== answeredGeneration || today !== answeredToday) {
          answered.clear();
          answeredGeneration = cache.generation;
          answeredToday = today;
        }
        const body = answered.get(request.url);
        if (body === undefined) return done();
        sendPrepared(request, reply, body);
      },
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
    seriesHandler<Query>(clock, (request, from, to) => {
      const body = cache.body(request.params.pair, `mms_${request.query.range}`, from, to);
      if (body !== undefined) {
        if (answered.size >= MAX_ANSWERS) answered.clear();
        answered.set(request.url, body);
      }
      return body;
    }),
  );
}
