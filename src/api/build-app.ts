import swagger from '@fastify/swagger';
import Fastify, {type FastifyError, type FastifyInstance} from 'fastify';
import type {AccessLog} from './access-log.js';
import type {ApiErrorBody} from './api-error.js';
import {clientErrorHandler} from './client-error-handler.js';
import {connectHandler} from './connect-handler.js';
import {decimalIntegerQuery, integerMeaning} from './decimal-integer-query.js';
import {requestIds} from './request-id.js';
import {healthRoute} from './routes/health-route.js';
import {mmsRoute} from './routes/mms-route.js';
import {loadPageAssets, type PageAssets, pageRoute} from './routes/page-route.js';
import {pairsRoute} from './routes/pairs-route.js';
import {recordsRoute} from './routes/records-route.js';
import {type DataRouteOptions, JSON_TYPE, type PreparedAnswer} from './routes/series-route.js';

export interface AppOptions extends DataRouteOptions {
  readonly version: string;
  /** The chart page's files, read beforehand (`mms serve` checks them before opening the store); read here when absent. */
  readonly page?: PageAssets;
  /** Where request logs go (one JSON line per request, with its id); none when absent. */
  readonly accessLog?: AccessLog;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** When fastify had routed the request (`performance.now()`): the log line's `ms` counts from here. */
    receivedAt: number;
  }
}

/**
 * The HTTP API as a fastify app, not yet listening (tests call `inject` or `listen` themselves). Every
 * client mistake is a 4xx with `{error, message}`; a 5xx only ever means a fault on the server's side.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const log = options.accessLog;
  const nextId = requestIds();
  const app = Fastify({
    // fastify's own logger stays off: it would make a child logger per request; AccessLog writes one line.
    logger: false,
    // Malformed URLs and the like never reach a route: answer them in the same error shape.
    // (No route, so no hooks either: the headers every answer has are set here.)
    frameworkErrors: (error, request, reply) => {
      const body: ApiErrorBody = {error: 'bad_request', message: error.message};
      void (reply as unknown as {headers(h: Record<string, string>): {code(n: number): {send(b: unknown): void}}})
        .headers({'x-request-id': request.id, 'x-content-type-options': NOSNIFF})
        .code(400)
        .send(body);
      log?.request(request.id, request.method, request.url, 400, 0);
    },
    // Requests Node's HTTP parser refuses never reach fastify at all.
    clientErrorHandler: clientErrorHandler(nextId, log),
    // The client's x-request-id is read by `requestIds` (which refuses oversized or odd ones), not by fastify.
    requestIdHeader: false,
    genReqId: nextId,
    // `/BRLBTC/mms/` is the same resource as `/BRLBTC/mms`.
    routerOptions: {ignoreTrailingSlash: true},
    // Unknown query keys are errors (a typo must not be silently ignored), not stripped.
    ajv: {customOptions: {removeAdditional: false, coerceTypes: true, allErrors: false}},
  });

  await app.register(swagger, {
    openapi: {
      info: {title: 'mms', version: options.version, description: 'Simple moving averages (MMS) of Mercado Bitcoin daily closes'},
    },
  });

  // Callback-style hooks: an async hook costs a promise per request. An onResponse hook for the log line
  // measurably lowered throughput (fastify then listens for every response's end), so the line is written as
  // the answer is sent, its `ms` the time to produce it. (fastify's own `elapsedTime` is always 0 without
  // its logger or an onResponse hook: hence `receivedAt`.)
  // Only a log line reads it: without a log, no hook runs for it.
  if (log) {
    app.decorateRequest('receivedAt', 0);
    app.addHook('onRequest', (request, _reply, done) => {
      request.receivedAt = performance.now();
      done();
    });
  }
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id).header('x-content-type-options', NOSNIFF);
    log?.request(request.id, request.method, request.url, reply.statusCode, performance.now() - request.receivedAt);
    done(null, payload);
  });
  // A route that already holds this exact request's answer (the mms route's answers by URL) writes it
  // straight to the socket with the same headers and log line as above, skipping fastify's send path (the
  // onSend hook chain, header normalization): a measurable share of what such a request costs. Nothing else
  // hooks into sending, so the bytes on the wire are the same either way (a test compares them).
  const sendPrepared: PreparedAnswer = (request, reply, body) => {
    reply.hijack();
    reply.raw.writeHead(200, {'content-type': JSON_TYPE, 'x-request-id': request.id, 'x-content-type-options': NOSNIFF, 'content-length': body.length});
    reply.raw.end(body);
    log?.request(request.id, request.method, request.url, 200, performance.now() - request.receivedAt);
  };
  if (log) app.addHook('onClose', async () => log.close());

  // Integer query parameters are decimal digits, before the schema's coercion reads more into them.
  app.addHook('onRoute', (route) => {
    const check = decimalIntegerQuery(route.schema?.querystring);
    if (check) route.preValidation = [check, ...[route.preValidation ?? []].flat()];
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send(validationError(error, queryKeys(request.routeOptions.schema?.querystring)));
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({error: (error.code ?? 'bad_request').toLowerCase(), message: error.message} satisfies ApiErrorBody);
    log?.fault(request.id, error);
    return reply
      .code(500)
      .send({error: 'internal_error', message: `the server failed on this request (id ${request.id}); it is logged.`} satisfies ApiErrorBody);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request.method, request.url)));
  // Node hands a CONNECT to the server's own `connect` listeners, never to fastify.
  app.server.on('connect', connectHandler(nextId, log, notFound));

  mmsRoute(app, options, sendPrepared);
  recordsRoute(app, options);
  pairsRoute(app, options);
  healthRoute(app, options);
  pageRoute(app, options.page ?? (await loadPageAssets()));
  app.get('/openapi.json', {schema: {hide: true}}, async () => app.swagger());
  return app;
}

/**
 * Every answer carries its request id and `nosniff`: each answer is exactly the type it says (JSON, the
 * page's HTML, script or stylesheet), never sniffed.
 */
const NOSNIFF = 'nosniff';

/** The 404 of an unknown route, or of a method the API does not serve. */
function notFound(method: string, url: string): ApiErrorBody {
  return {
    error: 'not_found',
    message: `no route ${method} ${url.split('?')[0]}; the API serves GET /{pair}/mms, /{pair}/records, /pairs, /health and /openapi.json (and the chart page at /).`,
  };
}

/** The query parameters a route's schema declares, to name them when an unknown one is sent. */
function queryKeys(schema: unknown): string[] {
  const properties = (schema as {properties?: Record<string, unknown>} | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** `querystring/from must be integer` → `from: must be an integer`, one problem at a time, named. */
function validationError(error: FastifyError, known: readonly string[]): ApiErrorBody {
  const issue = error.validation![0]!;
  const where = error.validationContext ?? 'request';
  const key =
    issue.keyword === 'required'
      ? String((issue.params as {missingProperty?: string}).missingProperty)
      : issue.keyword === 'additionalProperties'
        ? String((issue.params as {additionalProperty?: string}).additionalProperty)
        : issue.instancePath.replace(/^\//, '') || where;
  const messages: Record<string, string> = {
    required: `${key} is required`,
    additionalProperties: `${key === '' ? 'an empty key ("=" with nothing before it)' : key} is not a parameter${known.length > 0 ? ` of this route (known: ${known.join(', ')})` : ': this route takes no query parameters'}`,
    type: `${key} must be ${integerMeaning(key)}`,
    enum: `${key} must be one of ${((issue.params as {allowedValues?: unknown[]}).allowedValues ?? []).join(', ')}`,
    minimum: `${key} must be Unix seconds, not negative`,
    maximum: `${key} must be Unix seconds (at most 100000000000; milliseconds?)`,
  };
  const code = where === 'params' && key === 'pair' ? 'unknown_pair' : issue.keyword === 'additionalProperties' ? 'unknown_parameter' : `invalid_${key}`;
  return {error: code, message: messages[issue.keyword] ?? `${key} ${issue.message ?? 'is invalid'}`};
}
