// The ceiling for `npm run bench:serve`: node:http answering every request with the same precomputed bytes.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';

const body = Buffer.from(process.argv[2] ?? '[]');
const server = createServer((_request, response) => {
  response.writeHead(200, {'content-type': 'application/json; charset=utf-8', 'content-length': body.length});
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`})}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
