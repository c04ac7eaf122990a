import {connect, createServer, type Server, type Socket} from 'node:net';
import test, {type ExecutionContext} from 'ava';
import {answerAndClose, type Linger} from '../../src/api/answer-and-close.js';

const BODY = {error: 'not_found', message: 'no such thing'};

/**
 * A server answering every connection at once with `answerAndClose`; `served` is the server's side of the last
 * one, and when it closed.
 */
async function answering(t: ExecutionContext, linger: Linger) {
  const served: Array<{socket: Socket; closed: Promise<number>}> = [];
  const server: Server = createServer({allowHalfOpen: true}, (socket) => {
    served.push({socket, closed: new Promise((resolve) => socket.once('close', () => resolve(performance.now())))});
    answerAndClose(socket, 404, 'id-1', BODY, linger);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const {port} = server.address() as {port: number};
  /** A client that keeps its side open (as a client still sending does) until told otherwise. */
  const client = async () => {
    const socket = connect({port, host: '127.0.0.1', allowHalfOpen: true});
    await new Promise((resolve) => socket.once('connect', resolve));
    t.teardown(() => socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    let error: string | undefined;
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    return {socket, received: () => received, error: () => error, ended, closed};
  };
  return {client, served: () => served.at(-1)!};
}

test('the answer comes with the end of the server side, and the connection closes, not reset, once the client closes its side', async (t) => {
  const {client} = await answering(t, {ms: 60_000, bytes: 1_048_576});
  const c = await client();
  await c.ended;
  t.regex(c.received(), /^HTTP\/1\.1 404 Not Found\r\n/);
  t.true(c.received().endsWith(`\r\n\r\n${JSON.stringify(BODY)}`));
  c.socket.write('the rest of a request nobody will read');
  c.socket.end();
  await c.closed;
  t.is(c.error(), undefined);
});

test('a client that neither sends more nor closes its side is cut off once the linger time is over', async (t) => {
  const {client, served} = await answering(t, {ms: 300, bytes: 1_048_576});
  const c = await client();
  const start = performance.now();
  await c.ended;
  t.true(c.received().endsWith(JSON.stringify(BODY)));
  // Closed on the server's side though the client never closed its own: once the time is over, not long after.
  const closedAt = await served().closed;
  t.true(closedAt - start >= 250, `${closedAt - start} ms`);
  t.true(closedAt - start < 5000, `${closedAt - start} ms`);
});

test('a client that keeps sending after the answer is cut off once the server has dropped the byte limit', async (t) => {
  const limit = 256 * 1024;
  const {client, served} = await answering(t, {ms: 60_000, bytes: limit});
  const c = await client();
  await c.ended;
  t.true(c.received().endsWith(JSON.stringify(BODY)));
  // Sends until the server cuts the connection off (the linger time, a minute, is far off).
  const chunk = Buffer.alloc(16_384, 'a');
  let written = 0;
  while (!c.socket.destroyed && written < 64 * limit) {
    const ok = await new Promise<boolean>((resolve) => c.socket.write(chunk, (e) => resolve(!e)));
    if (!ok) break;
    written += chunk.length;
  }
  await c.closed;
  t.true(written < 64 * limit, 'cut off before the client stopped sending');
  await served().closed;
  // What is read past the limit is at most the chunk that crossed it.
  t.true(served().socket.bytesRead <= limit + 65_536, `${served().socket.bytesRead} bytes read`);
});
