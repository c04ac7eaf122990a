import {connect} from 'node:net';
import test from 'ava';
import {loggedApi, seededApi} from '../helpers/seeded-api.js';
import {rawRequest} from '../helpers/raw-request.js';

test('a CONNECT is a 404 not_found in the API error shape with its request id and a log line, then the connection closes', async (t) => {
  const api = await loggedApi(t);
  // A proxy client sends the tunnel's first bytes (a TLS hello) right behind the request.
  const answer = await rawRequest(
    api.url,
    'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nx-request-id: trace-connect\r\n\r\n\x16\x03\x01\x02\x00\x01',
  );
  t.is(answer.error, undefined, 'closed, not reset');
  t.is(answer.status, 404);
  t.is(answer.headers['content-type'], 'application/json; charset=utf-8');
  t.is(answer.headers['x-content-type-options'], 'nosniff');
  t.is(answer.headers['x-request-id'], 'trace-connect');
  t.is(Number(answer.headers['content-length']), Buffer.byteLength(answer.body));
  const body = JSON.parse(answer.body) as {error: string; message: string};
  t.is(body.error, 'not_found');
  t.regex(body.message, /^no route CONNECT example\.com:443; the API serves GET /);
  // A CONNECT to a path is no different.
  const toPath = await rawRequest(api.url, 'CONNECT /health HTTP/1.1\r\nHost: mms\r\n\r\n');
  t.is(toPath.status, 404);
  t.regex(toPath.headers['x-request-id'] ?? '', /^req-\w+$/);
  // Served normally after that: only the CONNECTs' own connections closed.
  t.is((await api.get('/health')).status, 200);
  t.deepEqual(
    (await api.lines()).slice(0, 2).map((line) => [line.reqId, line.method, line.url, line.status]),
    [
      ['trace-connect', 'CONNECT', 'example.com:443', 404],
      [toPath.headers['x-request-id'], 'CONNECT', '/health', 404],
    ],
  );
});

test('a client resetting its connection after a CONNECT does not take the server down', async (t) => {
  const api = await seededApi(t);
  const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const answered = new Promise<boolean>((resolve) => {
    socket.once('data', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  t.true(await answered);
  // Reset while the server still reads what the client might send.
  socket.resetAndDestroy();
  await closed;
  t.is((await api.get('/health')).status, 200);
});
