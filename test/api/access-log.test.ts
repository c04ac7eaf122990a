import {closeSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {AccessLog} from '../../src/api/access-log.js';
import {tempDir} from '../helpers/temp-dir.js';

test('every request line is one JSON object holding the exact id and URL, whatever characters they carry', async (t) => {
  const path = join(await tempDir(t), 'access.log');
  const fd = openSync(path, 'w');
  const log = new AccessLog(fd);
  const urls = ['/BRLBTC/mms?from=1&range=20', '/a"b', '/a\\b', '/é?x=ü', '/tab\there', '/\u0001', "/'single'", '/%22encoded%22'];
  urls.forEach((url, i) => log.request(i % 2 ? 'req-1' : 'id "with" \\quotes', 'GET', url, 200 + i, 1.5));
  log.flush();
  closeSync(fd);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  t.deepEqual(
    lines.map((line) => {
      const {reqId, url, status, ms, method} = JSON.parse(line) as Record<string, unknown>;
      return {reqId, url, status, ms, method};
    }),
    urls.map((url, i) => ({reqId: i % 2 ? 'req-1' : 'id "with" \\quotes', url, status: 200 + i, ms: 1.5, method: 'GET'})),
  );
});

test('a lone request line reaches the file within about a second, without waiting for the buffer to fill or the server to close', async (t) => {
  const path = join(await tempDir(t), 'access.log');
  const fd = openSync(path, 'w');
  const log = new AccessLog(fd);
  t.teardown(() => {
    log.flush();
    closeSync(fd);
  });
  log.request('req-1', 'GET', '/health', 200, 0.4);
  t.is(readFileSync(path, 'utf8'), '', 'buffered at first: one line is far below the 4 KB a write waits for');
  const deadline = Date.now() + 3000;
  while (readFileSync(path, 'utf8') === '' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.like(JSON.parse(readFileSync(path, 'utf8')), {reqId: 'req-1', url: '/health', status: 200});
});
