import type {FastifyInstance} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {formatUtc} from '../../core/time/format-utc.js';
import {lastCompleteBar} from '../../core/time/last-complete-bar.js';
import {type ApiErrorBody, errorSchema} from '../api-error.js';
import type {SeriesCache} from '../series-cache.js';

const DAY = 86_400;
const JSON_TYPE = 'application/json; charset=utf-8';
/** Year 5138: any larger `from` or `to` is not Unix seconds (milliseconds, most likely). */
const MAX_SECONDS = 1e11;
/** Distinct request URLs remembered (each answer is shared with the slice cache, so this is cheap). */
const MAX_ANSWERS = 5000;
/** How far back `from` may reach: 365 days before today's 00:00 UTC. */
const MAX_AGE_DAYS = 365;

interface Query {
  from: number;
  to?: number;
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
          properties: {
            // Bounded so that Infinity, 1e400 or milliseconds-sized numbers are mistakes, not dates.
            from: {type: 'integer', minimum: 0, maximum: MAX_SECONDS, description: 'Unix seconds; at most 365 days before today (00:00 UTC)'},
            to: {type: 'integer', minimum: 0, maximum: MAX_SECONDS, description: 'Unix seconds, inclusive; default: yesterday (00:00 UTC)'},
            range: {type: 'integer', enum: [...windows], description: 'The window in days'},
          },
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
      const {pair} = request.params;
      const {from, range} = request.query;
      // The schema's coercion lets "Infinity" through as a number: only safe integers are seconds.
      for (const [key, value] of [['from', from], ['to', request.query.to]] as const) {
        if (value !== undefined && !Number.isSafeInteger(value)) {
          return reply.code(400).send(fail(`invalid_${key}`, `${key} must be Unix seconds (an integer from 0 to 100000000000), got ${String(value)}.`));
        }
      }
      const yesterday = lastCompleteBar(clock.now(), DAY);
      const today = yesterday + DAY;
      const to = request.query.to ?? yesterday;
      const oldest = today - MAX_AGE_DAYS * DAY;
      if (from < oldest) {
        return reply.code(400).send(fail('from_too_old', `from ${from} (${iso(from)}) is more than 365 days before today; the oldest accepted is ${oldest} (${iso(oldest)}).`));
      }
      if (from > to) {
        return reply.code(400).send(fail('from_after_to', `from ${from} (${iso(from)}) is after to ${to} (${iso(to)})${request.query.to === undefined ? ', which defaults to yesterday' : ''}.`));
      }
      const body = cache.body(pair, `mms_${range}`, from, to);
      if (body === undefined) return reply.code(503).send(fail('store_unavailable', 'the store could not be read yet; see GET /health and try again shortly.'));
      if (answered.size >= MAX_ANSWERS) answered.clear();
      answered.set(request.url, body);
      // Already JSON (the shape of the 200 schema, which documents it): sent as is.
      return reply.type(JSON_TYPE).send(body);
    },
  );
}

function fail(error: string, message: string): ApiErrorBody {
  return {error, message};
}

/** A day or instant for messages; numbers past what a Date can hold (any integer is valid input) say so. */
function iso(seconds: number): string {
  return Math.abs(seconds) < 8.64e12 ? formatUtc(seconds) : 'beyond any date';
}
