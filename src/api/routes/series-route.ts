import type {FastifyReply, FastifyRequest} from 'fastify';
import type {Clock} from '../../core/contracts/clock.js';
import {isApiError, STORE_UNAVAILABLE} from '../api-error.js';
import type {ServedField} from '../served-field.js';
import type {SeriesCache} from '../series-cache.js';
import {resolveTimeRange, type TimeRangeQuery} from '../time-range-query.js';

// What the data routes (/:pair/mms, /:pair/records) and /pairs share: their options, the `pair` parameter
// and the flow of a data request.

export const JSON_TYPE = 'application/json; charset=utf-8';

export interface DataRouteOptions {
  readonly pairs: readonly string[];
  /** The fields the transforms write, as they describe them: `/{pair}/records` serves every one. */
  readonly fields: readonly ServedField[];
  /** The windows `range` may name (the `mms_<n>` fields among them). */
  readonly windows: readonly number[];
  readonly cache: SeriesCache;
  readonly clock: Clock;
}

/** The `:pair` path parameter: one of the configured pairs. */
export function pairParams(pairs: readonly string[]) {
  return {type: 'object', required: ['pair'], properties: {pair: {type: 'string', enum: [...pairs], description: 'A configured pair, e.g. BRLBTC'}}} as const;
}

type SeriesRequest<Query extends TimeRangeQuery> = FastifyRequest<{Params: {pair: string}; Querystring: Query}>;

/**
 * The handler of a data route: the range the query asks for (or its 400), then `read`'s answer for it from
 * the cache (or 503 before the first good load), serialized by the route's 200 schema — once per answer: the
 * cache hands out the same answer for the same slice until its next reload, and turning a year of averages
 * into JSON bytes costs several times what the rest of a request does.
 */
export function seriesHandler<Query extends TimeRangeQuery>(
  clock: Clock,
  read: (request: SeriesRequest<Query>, from: number, to: number) => readonly object[] | undefined,
) {
  const serialized = new WeakMap<readonly object[], Buffer>();
  return (request: SeriesRequest<Query>, reply: FastifyReply) => {
    const range = resolveTimeRange(request.query as TimeRangeQuery, clock);
    if (isApiError(range)) return reply.code(400).send(range);
    const answer = read(request, range.from, range.to);
    if (answer === undefined) return reply.code(503).send(STORE_UNAVAILABLE);
    let body = serialized.get(answer);
    if (body === undefined) {
      // The schema's serializer (fast-json-stringify) returns a string.
      body = Buffer.from(reply.serialize(answer) as string);
      serialized.set(answer, body);
    }
    return reply.type(JSON_TYPE).send(body);
  };
}
