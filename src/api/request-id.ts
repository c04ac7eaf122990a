import type {IncomingMessage} from 'node:http';

/** What a client's own `x-request-id` may be to be used as given: one token of printable ASCII, not a payload. */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Request ids as fastify's `genReqId`: the client's `x-request-id` when it is a plausible id (so a trace spans
 * the proxy and mms), else `req-<n>`. An id of any size or text would be echoed on the answer and written in
 * every log line: a 10 KB one is a client's mistake, or an attempt to flood or forge the log.
 */
export function requestIds(): (request?: IncomingMessage) => string {
  let next = 0;
  return (request) => {
    const given = request?.headers['x-request-id'];
    if (typeof given === 'string' && CLIENT_ID.test(given)) return given;
    // Wraps below 2^31: the counter stays a small integer in V8, as fastify's own does.
    next = (next + 1) & 0x7fffffff;
    return `req-${next.toString(36)}`;
  };
}
