import {maxHeaderSize} from 'node:http';
import type {Socket} from 'node:net';
import {answerAndClose} from './answer-and-close.js';
import type {ApiErrorBody} from './api-error.js';
import type {RequestLog} from './request-log.js';

/**
 * Answers a request Node's HTTP parser refused (an unknown method, a malformed request line or header, headers
 * over the size limit) before fastify ever saw it: in the API's error shape, with a request id and a log line,
 * like every other answer; fastify's default writes its own shape with neither. The connection is closed
 * afterwards, as the bytes after a parse error cannot be trusted to start a request.
 */
export function clientErrorHandler(nextId: () => string, log: RequestLog | undefined): (error: NodeJS.ErrnoException, socket: Socket) => void {
  // The parser stays attached while the rest of the input is read and dropped: it fails again on every chunk
  // of it, and at its end. One answer per connection.
  const answered = new WeakSet<Socket>();
  return (error, socket) => {
    if (answered.has(socket)) return;
    // A connection reset by the client, or already gone: nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    answered.add(socket);
    const [status, body] = answer(error);
    const id = nextId();
    // Neither the method nor the URL can be trusted (or even read) from a request the parser refused.
    log?.request(id, '-', '-', status);
    answerAndClose(socket, status, id, body);
  };
}

function answer(error: NodeJS.ErrnoException): [number, ApiErrorBody] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [
      431,
      {
        error: 'headers_too_large',
        message: `the request line and headers exceed the server limit (${maxHeaderSize / 1024} KB): send a shorter URL or fewer, smaller headers.`,
      },
    ];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, {error: 'request_timeout', message: 'the request was not received in time; send it again.'}];
  }
  const reason = (error as {reason?: string}).reason ?? error.message;
  return [
    400,
    {
      error: 'bad_request',
      message: `not a valid HTTP/1.1 request (${error.code ?? 'parse error'}: ${reason}); check the method (GET), the request line and the headers.`,
    },
  ];
}
