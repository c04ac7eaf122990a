import type {IncomingMessage} from 'node:http';
import type {Socket} from 'node:net';
import {answerAndClose} from './answer-and-close.js';
import type {ApiErrorBody} from './api-error.js';
import type {RequestLog} from './request-log.js';

/**
 * Answers a `CONNECT` (a request for a tunnel: this is no proxy) as any other method the API does not serve:
 * a 404 in the API's error shape, with a request id and a log line. Node hands such a request to the server's
 * `connect` listeners, never to fastify, and without one closes the connection with no answer at all. The
 * connection is closed after the answer: what follows a `CONNECT` is the tunnel's bytes, not a request.
 */
export function connectHandler(
  nextId: (request: IncomingMessage) => string,
  log: RequestLog | undefined,
  notFound: (method: string, url: string) => ApiErrorBody,
): (request: IncomingMessage, socket: Socket) => void {
  return (request, socket) => {
    const id = nextId(request);
    const method = request.method ?? 'CONNECT';
    const url = request.url ?? '';
    log?.request(id, method, url, 404);
    answerAndClose(socket, 404, id, notFound(method, url));
  };
}
