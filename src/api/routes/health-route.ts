import type {FastifyInstance} from 'fastify';
import {formatUtc} from '../../core/time/format-utc.js';
import {timeBounds} from '../time-range-query.js';
import type {DataRouteOptions} from './series-route.js';

/** GET /health — 200 when the store answers (with each pair's newest day and whether it is stale), else 503. */
export function healthRoute(app: FastifyInstance, options: Pick<DataRouteOptions, 'pairs' | 'cache' | 'clock'>): void {
  const pair = {
    type: 'object',
    required: ['pair', 'latest', 'stale'],
    properties: {
      pair: {type: 'string'},
      latest: {type: ['string', 'null'], description: 'Newest stored day (UTC)'},
      stale: {type: 'boolean', description: 'Older than yesterday'},
    },
  } as const;
  const body = {
    type: 'object',
    required: ['status', 'store', 'pairs'],
    properties: {
      status: {type: 'string', enum: ['ok', 'stale', 'unavailable']},
      store: {
        type: 'object',
        required: ['reachable'],
        properties: {reachable: {type: 'boolean'}, error: {type: 'string'}, refreshedAt: {type: ['string', 'null']}},
      },
      pairs: {type: 'array', items: pair},
    },
  } as const;
  app.get('/health', {schema: {summary: 'Whether the store is reachable and the data fresh', response: {200: body, 503: body}}}, async (_request, reply) => {
    const status = options.cache.health();
    const {yesterday} = timeBounds(options.clock);
    const pairs = options.pairs.map((p) => {
      const latest = status.latest.get(p);
      return {pair: p, latest: latest === undefined ? null : formatUtc(latest), stale: latest === undefined || latest < yesterday};
    });
    const state = !status.reachable ? 'unavailable' : pairs.some((p) => p.stale) ? 'stale' : 'ok';
    return reply.code(status.reachable ? 200 : 503).send({
      status: state,
      store: {reachable: status.reachable, ...(status.error ? {error: status.error} : {}), refreshedAt: status.refreshedAt ?? null},
      pairs,
    });
  });
}
