import swagger from '@fastify/swagger';
import Fastify, {type FastifyError, type FastifyInstance} from 'fastify';
import type {ApiErrorBody} from './api-error.js';
import {clientErrorHandler} from './client-error-handler.js';
import {connectHandler} from './connect-handler.js';
import {DECIMAL_INTEGER, parseQuery} from './parse-query.js';
import {logFault, OneLinePerRequest, type RequestLog} from './request-log.js';
import {requestIds} from './request-id.js';
import type {ServeMetrics} from './serve-metrics.js';
import {mmsWindows} from './served-field.js';
import {healthRoute} from './routes/health-route.js';
import {mmsRoute} from './routes/mms-route.js';
import {loadPageAssets, type PageAssets, pageRoute} from './routes/page-route.js';
import {pairsRoute} from './routes/pairs-route.js';
import {recordsRoute} from './routes/records-route.js';
import type {DataRouteOptions} from './routes/series-route.js';

/**
 * How long a connection may stay silent before it is cut: one that has sent nothing yet (a browser's
 * preconnection) or only part of a request would otherwise keep a stopping server waiting for the client.
 */
const CONNECTION_TIMEOUT_MS = 5000;
/** How often, while the server stops, connections whose answer has just been sent are closed. */
const CLOSE_IDLE_EVERY_MS = 50;

export interface AppOptions extends Omit<DataRouteOptions, 'windows'> {
  readonly version: string;
  /** The chart page's files, read beforehand (`mms serve` checks them before opening the store); read here when absent. */
  readonly page?: PageAssets;
  /** Where request logs go (one JSON line per request, with its id); none when absent. Its owner closes it after the app. */
  readonly log?: RequestLog;
  /** How long a silent connection is kept (default 5 s). */
  readonly connectionTimeoutMs?: number;
  /** Prometheus metrics, served at GET /metrics, every request counted; no /metrics when absent. */
  readonly metrics?: ServeMetrics;
}

/**
 * The HTTP API as a fastify app, not yet listening (tests call `inject` or `listen` themselves). Every
 * client mistake is a 4xx with `{error, message}`; a 5xx only ever means a fault on the server's side.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const {log, metrics} = options;
  const routes: DataRouteOptions = {...options, windows: mmsWindows(options.fields)};
  const nextId = requestIds();
  const app = Fastify({
    loggerInstance: log?.logger,
    logController: new OneLinePerRequest(),
    // Malformed URLs and the like never reach a route: answer them in the same error shape.
    // (No route, so no hooks either: the headers every answer has are set here.)
    frameworkErrors: (error, request, reply) => {
      const body: ApiErrorBody = {error: 'bad_request', message: error.message};
      void (reply as unknown as {headers(h: Record<string, string>): {code(n: number): {send(b: unknown): void}}})
        .headers({'x-request-id': request.id, 'x-content-type-options': NOSNIFF})
        .code(400)
        .send(body);
      log?.request(request.id, request.method, request.url, 400);
    },
    // Requests Node's HTTP parser refuses never reach fastify at all.
    clientErrorHandler: clientErrorHandler(nextId, log),
    // The client's x-request-id is read by `requestIds` (which refuses oversized or odd ones), not by fastify.
    requestIdHeader: false,
    genReqId: nextId,
    connectionTimeout: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    // `/BRLBTC/mms/` is the same resource as `/BRLBTC/mms`.
    routerOptions: {ignoreTrailingSlash: true, querystringParser: parseQuery},
    // Unknown query keys are errors (a typo must not be silently ignored), not stripped; integers are read by
    // `parseQuery`, never coerced from other spellings.
    ajv: {customOptions: {removeAdditional: false, coerceTypes: false, allErrors: false}},
  });

  await app.register(swagger, {
    openapi: {
      info: {title: 'mms', version: options.version, description: 'Simple moving averages (MMS) of Mercado Bitcoin daily closes'},
    },
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id).header('x-content-type-options', NOSNIFF);
    done(null, payload);
  });
  // Node closes the connections that are idle when the server stops, not those whose answer was still under
  // way: kept alive after it, they would hold the server open until the client leaves.
  app.addHook('preClose', (done) => {
    const sweep = setInterval(() => app.server.closeIdleConnections(), CLOSE_IDLE_EVERY_MS).unref();
    app.server.once('close', () => clearInterval(sweep));
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send(validationError(error, request.query, queryKeys(request.routeOptions.schema?.querystring)));
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({error: (error.code ?? 'bad_request').toLowerCase(), message: error.message} satisfies ApiErrorBody);
    logFault(request.log, error);
    return reply
      .code(500)
      .send({error: 'internal_error', message: `the server failed on this request (id ${request.id}); it is logged.`} satisfies ApiErrorBody);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request.method, request.url)));
  // Node hands a CONNECT to the server's own `connect` listeners, never to fastify.
  app.server.on('connect', connectHandler(nextId, log, notFound));

  mmsRoute(app, routes);
  recordsRoute(app, routes);
  pairsRoute(app, routes);
  healthRoute(app, routes);
  pageRoute(app, options.page ?? (await loadPageAssets()));
  app.get('/openapi.json', {schema: {hide: true}}, async () => app.swagger());
  if (metrics) {
    // Unrouted requests share one label, so a scan of random URLs cannot grow the series without bound.
    app.addHook('onResponse', (request, reply, done) => {
      metrics.observe(request.routeOptions.url ?? 'unrouted', request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', {schema: {hide: true}}, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.scrape()));
  }
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
    message: `no route ${method} ${url.split('?')[0]}; the API serves GET /{pair}/mms, /{pair}/records, /pairs, /health, /metrics and /openapi.json (and the chart page at /).`,
  };
}

/** The query parameters a route's schema declares, to name them when an unknown one is sent. */
function queryKeys(schema: unknown): string[] {
  const properties = (schema as {properties?: Record<string, unknown>} | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

/** `querystring/from must be integer` → `from: must be an integer`, one problem at a time, named. */
function validationError(error: FastifyError, query: unknown, known: readonly string[]): ApiErrorBody {
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
    type: typeMessage(key, where === 'querystring' ? (query as Record<string, unknown>)[key] : undefined),
    enum: `${key} must be one of ${((issue.params as {allowedValues?: unknown[]}).allowedValues ?? []).join(', ')}`,
    minimum: `${key} must be Unix seconds, not negative`,
    maximum: `${key} must be Unix seconds (at most 100000000000; milliseconds?)`,
  };
  const code = where === 'params' && key === 'pair' ? 'unknown_pair' : issue.keyword === 'additionalProperties' ? 'unknown_parameter' : `invalid_${key}`;
  return {error: code, message: messages[issue.keyword] ?? `${key} ${issue.message ?? 'is invalid'}`};
}

/**
 * An integer query parameter that is not one: given more than once, written otherwise than in decimal digits
 * (quoted back, so the client sees what it sent), or digits beyond any number.
 */
function typeMessage(key: string, value: unknown): string {
  if (Array.isArray(value)) return `${key} is given ${value.length} times; give it once.`;
  if (typeof value === 'string' && !DECIMAL_INTEGER.test(value))
    return `${key} must be ${integerMeaning(key)} in decimal digits, got ${JSON.stringify(shorten(value))}.`;
  return `${key} must be ${integerMeaning(key)}`;
}

/** What an integer query parameter counts, for messages: `range` is days, every other one a time. */
function integerMeaning(key: string): string {
  return key === 'range' ? 'an integer (days)' : 'an integer (Unix seconds)';
}

/** A value as quoted in a message: long ones cut, so an answer never echoes a whole oversized query back. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
