import test from 'ava';
import {loggedApi} from '../helpers/seeded-api.js';
import {rawRequest} from '../helpers/raw-request.js';

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
    const answer = await rawRequest(api.url, bytes);
    const name = bytes.slice(0, 30);
    t.is(answer.status, status, name);
    t.is(answer.error, undefined, `${name}: closed, not reset`);
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

test('headers far over the limit get the 431 too, read in full by a client that sends its whole request before reading', async (t) => {
  const api = await loggedApi(t);
  const ids: string[] = [];
  for (const size of [80_000, 200_000]) {
    for (const pauseMs of [0, 1]) {
      // Written 16 KB at a time, each write once the one before is out: the server refuses the request at 16 KB,
      // long before its last bytes go out. With no pause they are all in the kernel's buffers before the server
      // reads them; with one, the client is still sending when the server answers.
      const answer = await rawRequest(api.url, `GET /health HTTP/1.1\r\nHost: mms\r\nCookie: ${'a'.repeat(size)}\r\n\r\n`, {pauseMs});
      const name = `${size} bytes, ${pauseMs} ms between writes`;
      t.true(answer.sent, `${name}: every byte of the request sent`);
      t.is(answer.error, undefined, `${name}: closed, not reset`);
      t.is(answer.status, 431, name);
      t.is(answer.headers['content-type'], 'application/json; charset=utf-8', name);
      t.is(Number(answer.headers['content-length']), Buffer.byteLength(answer.body), name);
      t.like(JSON.parse(answer.body), {error: 'headers_too_large'}, name);
      ids.push(answer.headers['x-request-id']!);
    }
  }
  // One answer and one log line per request: the input read after the refusal is dropped, not parsed again.
  t.deepEqual(
    (await api.lines()).map((line) => [line.reqId, line.method, line.url, line.status]),
    ids.map((id) => [id, '-', '-', 431]),
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
