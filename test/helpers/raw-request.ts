import {connect} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Whether every byte of the request went out: a client whose send fails gives up before reading any answer. */
  readonly sent: boolean;
  /** The code of the error the connection ended with (`ECONNRESET`: reset by the server), if any. */
  readonly error: string | undefined;
}

/**
 * Sends `bytes` on a new connection, `chunk` bytes at a time (each after the one before is out, and `pauseMs`
 * later: a slower link), and only then reads, until the server closes the connection: the status line, headers
 * and body. A client sending its request in full before reading the answer, as most do.
 */
export async function rawRequest(url: string, bytes: string, {chunk = 16_384, pauseMs = 0} = {}): Promise<RawAnswer> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  socket.pause();
  const received: Buffer[] = [];
  socket.on('data', (data: Buffer) => received.push(data));
  let error: string | undefined;
  socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code));
  const closed = new Promise((resolve) => socket.on('close', resolve));
  const request = Buffer.from(bytes);
  let sent = true;
  for (let i = 0; sent && i < request.length; i += chunk) {
    sent = await new Promise<boolean>((resolve) => socket.write(request.subarray(i, i + chunk), (e) => resolve(!e)));
    if (pauseMs > 0) await sleep(pauseMs);
  }
  socket.resume();
  await closed;
  const text = Buffer.concat(received).toString();
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = (split < 0 ? text : text.slice(0, split)).split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return {status: Number(statusLine.split(' ')[1]), headers, body: split < 0 ? '' : text.slice(split + 4), sent, error};
}
