import type {FastifyInstance} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {formatUtc} from '../../core/time/format-utc.js';
import {type ApiErrorBody, errorSchema} from '../api-error.js';
import type {SeriesCache} from '../series-cache.js';

const DAY = 86_400;
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
  app.get<{Params: {pair: string}; Querystring: Query}>(
    '/:pair/mms',
    {
      schema: {
        summary: 'Simple moving average of the daily close of a pair',
        params: {type: 'object', required: ['pair'], properties: {pair: {type: 'string', enum: [...pairs], description: 'A configured pair, e.g. BRLBTC'}}},
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'range'],
          properties: {
            from: {type: 'integer', description: 'Unix seconds; at most 365 days before today (00:00 UTC)'},
            to: {type: 'integer', description: 'Unix seconds, inclusive; default: yesterday (00:00 UTC)'},
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
      const today = Math.floor(clock.now() / 1000 / DAY) * DAY;
      const to = request.query.to ?? today - DAY;
      const oldest = today - MAX_AGE_DAYS * DAY;
      if (from < oldest) {
        return reply.code(400).send(fail('from_too_old', `from ${from} (${iso(from)}) is more than 365 days before today; the oldest accepted is ${oldest} (${iso(oldest)}).`));
      }
      if (from > to) {
        return reply.code(400).send(fail('from_after_to', `from ${from} (${iso(from)}) is after to ${to} (${iso(to)})${request.query.to === undefined ? ', which defaults to yesterday' : ''}.`));
      }
      const points = cache.points(pair, `mms_${range}`, from, to);
      if (!points) return reply.code(503).send(fail('store_unavailable', 'the store could not be read yet; see GET /health and try again shortly.'));
      return points;
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
