import type {FastifyInstance} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {lastCompleteBar} from '../../core/time/last-complete-bar.js';
import {errorSchema, isApiError, STORE_UNAVAILABLE} from '../api-error.js';
import type {SeriesCache} from '../series-cache.js';
import {DAY, resolveTimeRange, type TimeRangeQuery, timeRangeQuery} from '../time-range-query.js';

const JSON_TYPE = 'application/json; charset=utf-8';
/** Distinct request URLs remembered (each answer is shared with the slice cache, so this is cheap). */
const MAX_ANSWERS = 5000;

interface Query extends TimeRangeQuery {
  range: number;
}

/**
 * GET /:pair/mms?from=&to=&range= — the challenge's contract: `[{timestamp, mms}]`, ascending, `timestamp`
 * the day's 00:00 UTC in seconds, `from <= timestamp <= to`, days without a value for the window omitted.
 */
export function mmsRoute(app: FastifyInstance, options: {pairs: readonly string[]; windows: readonly number[]; cache: SeriesCache; clock: Clock}): void {
  const {pairs, windows, cache, clock} = options;
  // Whole answers by request URL, for as long as the data and "today" (the default `to`) stay the same:
  // a repeated request (a dashboard polling) skips validation and lookup entirely.
  const answered = new Map<string, string>();
  let answeredFor = '';
  const validity = () => `${cache.generation}:${lastCompleteBar(clock.now(), DAY)}`;
  app.get<{Params: {pair: string}; Querystring: Query}>(
    '/:pair/mms',
    {
      onRequest: (request, reply, done) => {
        const now = validity();
        if (now !== answeredFor) {
          answered.clear();
          answeredFor = now;
        }
        const body = answered.get(request.url);
        if (body === undefined) return done();
        void reply.type(JSON_TYPE).send(body);
      },
      schema: {
        summary: 'Simple moving average of the daily close of a pair',
        params: {type: 'object', required: ['pair'], properties: {pair: {type: 'string', enum: [...pairs], description: 'A configured pair, e.g. BRLBTC'}}},
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
    async (request, reply) => {
      const range = resolveTimeRange(request.query, clock);
      if (isApiError(range)) return reply.code(400).send(range);
      const body = cache.body(request.params.pair, `mms_${request.query.range}`, range.from, range.to);
      if (body === undefined) return reply.code(503).send(STORE_UNAVAILABLE);
      if (answered.size >= MAX_ANSWERS) answered.clear();
      answered.set(request.url, body);
      // Already JSON (the shape of the 200 schema, which documents it): sent as is.
      return reply.type(JSON_TYPE).send(body);
    },
  );
}
