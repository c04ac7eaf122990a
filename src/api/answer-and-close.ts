import {STATUS_CODES} from 'node:http';
import type {Socket} from 'node:net';
import type {ApiErrorBody} from './api-error.js';
import {JSON_TYPE} from './routes/series-route.js';

/** How long, after the answer, what the client still sends is read and dropped before the connection is cut. */
const LINGER_MS = 5000;
/** How much of what the client still sends is read and dropped before the connection is cut. */
const LINGER_BYTES = 1_048_576;

/** How long, and how much of what the client still sends, is read and dropped at most after the answer. */
export interface Linger {
  readonly ms: number;
  readonly bytes: number;
}

/**
 * Writes an error answer straight to a connection no request/response pair stands for (a request the HTTP
 * parser refused, a `CONNECT`), in the API's error shape, then closes the connection: the bytes after such a
 * request cannot be trusted to start another one. Closed at once with input still unread, the connection
 * would be reset: a client still sending (headers over the size limit, a tunnel's first bytes) would then
 * fail on its send, or lose the answer it had not read yet. So the server finishes its side after the answer
 * and reads and drops what the client still sends until the client closes its side too, within `linger`:
 * past it (a client that keeps sending, or never closes) the connection is cut anyway.
 */
export function answerAndClose(socket: Socket, status: number, id: string, body: ApiErrorBody, linger: Linger = {ms: LINGER_MS, bytes: LINGER_BYTES}): void {
  // A client that resets the connection meanwhile (Node leaves no error listener on a CONNECT's socket): an
  // error with no listener would take the whole server down, and there is nobody left to answer.
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\nx-request-id: ${id}\r\n` +
      `x-content-type-options: nosniff\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
  );
  const cut = setTimeout(() => socket.destroy(), linger.ms);
  socket.once('close', () => clearTimeout(cut));
  let dropped = 0;
  socket.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > linger.bytes) socket.destroy();
  });
  // Once the client has closed its side too and the answer is out, the socket closes by itself.
}
