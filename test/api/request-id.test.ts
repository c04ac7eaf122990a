import test from 'ava';
import {loggedApi} from '../helpers/seeded-api.js';

test("a client's x-request-id is echoed and logged when it is one token of printable ASCII up to 128 characters; any other gets an id of the server's", async (t) => {
  const api = await loggedApi(t);
  const sent = ['trace-123', 'a'.repeat(128), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'a'.repeat(129), 'two words', 'é-accented'];
  const echoed: string[] = [];
  for (const id of sent) {
    const response = await fetch(`${api.url}/health`, {headers: {'x-request-id': Buffer.from(id).toString('latin1')}});
    t.is(response.status, 200);
    echoed.push(response.headers.get('x-request-id')!);
  }
  t.deepEqual(echoed.slice(0, 3), sent.slice(0, 3));
  for (const id of echoed.slice(3)) t.regex(id, /^req-\w+$/);
  t.deepEqual(
    (await api.lines()).map((line) => line.reqId),
    echoed,
  );
});
