import {connect} from 'node:net';
import test from 'ava';
import {loggedApi} from '../helpers/seeded-api.js';

/** Writes `bytes` on a new connection and reads until the server closes it: the status line, headers and body. */
async function raw(url: string, bytes: string) {
  const {port} = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.on('error', () => {}); // a reset after the answer is the server closing as it should
  socket.write(bytes);
  await closed;
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return {status: Number(statusLine.split(' ')[1]), headers, body};
}

test('requests the HTTP parser refuses get the API error shape, a request id, nosniff and a log line, then the connection closes', async (t) => {
  const api = await loggedApi(t);
  const cases: Array<[string, number, string, RegExp]> = [
    ['FOO /health HTTP/1.1\r\nHost: mms\r\n\r\n', 400, 'bad_request', /not a valid HTTP\/1\.1 request \(HPE_INVALID_METHOD: .+\); check the method/],
    ['get /health HTTP/1.1\r\nHost: mms\r\n\r\n', 400, 'bad_request', /HPE_INVALID_METHOD/],
    ['GET /BRLBTC mms HTTP/1.1\r\nHost: mms\r\n\r\n', 400, 'bad_request', /not a valid HTTP\/1\.1 request/],
    ['GET /health HTTP/1.1\r\nHost: mms\r\nContent-Length: abc\r\n\r\n', 400, 'bad_request', /not a valid HTTP\/1\.1 request/],
    [`GET /health HTTP/1.1\r\nHost: mms\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large', /exceed the server limit \(16 KB\)/],
  ];
  const ids: string[] = [];
  for (const [bytes, status, error, message] of cases) {
    const answer = await raw(api.url, bytes);
    const name = bytes.slice(0, 30);
    t.is(answer.status, status, name);
    t.is(answer.headers['content-type'], 'application/json; charset=utf-8', name);
    t.is(answer.headers['x-content-type-options'], 'nosniff', name);
    t.is(Number(answer.headers['content-length']), Buffer.byteLength(answer.body), name);
    const body = JSON.parse(answer.body) as {error: string; message: string};
    t.is(body.error, error, name);
    t.regex(body.message, message, name);
    t.regex(answer.headers['x-request-id'] ?? '', /^req-\w+$/, name);
    ids.push(answer.headers['x-request-id']!);
  }
  t.is(new Set(ids).size, ids.length, 'each answer its own id');
  // Served normally after all that: the refused requests only closed their own connections.
  t.is((await api.get('/health')).status, 200);
  const lines = await api.lines();
  t.deepEqual(
    lines.slice(0, cases.length).map((line) => [line.reqId, line.method, line.url, line.status]),
    ids.map((id, i) => [id, '-', '-', cases[i]![1]]),
  );
});

test('a malformed URL is answered 400 bad_request with the request id and logged like any other request', async (t) => {
  const api = await loggedApi(t);
  const response = await fetch(`${api.url}/%ZZ/mms?from=1&range=20`, {headers: {'x-request-id': 'trace-bad-url'}});
  t.is(response.status, 400);
  t.is(response.headers.get('x-request-id'), 'trace-bad-url');
  t.like(await response.json(), {error: 'bad_request'});
  t.like(await api.lines(), [{reqId: 'trace-bad-url', method: 'GET', url: '/%ZZ/mms?from=1&range=20', status: 400}]);
});
