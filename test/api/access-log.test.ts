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
