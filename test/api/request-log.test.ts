import {spawn} from 'node:child_process';
import {openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {logFault, RequestLog} from '../../src/api/request-log.js';
import {tempDir} from '../helpers/temp-dir.js';

test('every request line is one JSON object holding the exact id and URL, whatever characters they carry', async (t) => {
  const path = join(await tempDir(t), 'access.log');
  const fd = openSync(path, 'w');
  const log = new RequestLog({fd});
  const urls = ['/BRLBTC/mms?from=1&range=20', '/a"b', '/a\\b', '/é?x=ü', '/tab\there', '/\u0001', "/'single'", '/%22encoded%22'];
  for (const [i, url] of urls.entries())
    log.logger.child({reqId: i % 2 ? 'req-1' : 'id "with" \\quotes'}).info({method: 'GET', url, status: 200 + i, ms: 1.5}, 'request');
  await log.close();
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
  const log = new RequestLog({fd});
  t.teardown(() => log.close());
  log.request('req-1', 'GET', '/health', 200);
  t.is(readFileSync(path, 'utf8'), '', 'buffered at first: one line is far below a write');
  const deadline = Date.now() + 3000;
  while (readFileSync(path, 'utf8') === '' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  t.like(JSON.parse(readFileSync(path, 'utf8')), {level: 'info', reqId: 'req-1', method: 'GET', url: '/health', status: 200});
});

test('lines stay in request order, a fault after the requests before it, each with the time it was logged and its credentials redacted', async (t) => {
  const path = join(await tempDir(t), 'access.log');
  const fd = openSync(path, 'w');
  const log = new RequestLog({fd});
  // 1000 lines of ~200 bytes, one URL of 20,000 characters that takes 40 KB in UTF-8, one of 90 KB.
  const urls = Array.from({length: 1000}, (_, i) =>
    i === 400 ? `/${'é'.repeat(20_000)}` : i === 700 ? `/${'€'.repeat(30_000)}` : `/BRLBTC/mms?from=${i}&range=20`,
  );
  const logged: Array<[number, number]> = [];
  urls.slice(0, 600).forEach((url, i) => {
    const before = Date.now();
    log.request(`req-${i}`, 'GET', url, 200);
    logged.push([before, Date.now()]);
  });
  logFault(log.logger.child({reqId: 'req-600'}), new Error('disk on fire at mongodb://mms:s3cret@db.example/mms'));
  for (const [i, url] of urls.slice(600).entries()) log.request(`req-${601 + i}`, 'GET', url, 200);
  t.true(await log.close(), 'everything written');
  const lines = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  t.is(lines.length, 1001);
  t.deepEqual(
    lines.map((line) => line.reqId),
    Array.from({length: 1001}, (_, i) => `req-${i}`),
  );
  t.like(lines[600], {level: 'error'});
  t.regex(lines[600]!.msg as string, /^disk on fire at mongodb:\/\/\*\*\*@db\.example\/mms$/);
  t.notRegex(lines[600]!.stack as string, /s3cret/);
  t.deepEqual(
    lines.filter((line) => line.level === 'info').map((line) => line.url),
    urls,
  );
  t.true(
    lines.slice(0, 600).every((line, i) => (line.time as number) >= logged[i]![0] && (line.time as number) <= logged[i]![1]),
    'each time is when its request was logged',
  );
});

/**
 * A process that logs `lines` requests into a RequestLog on its stdout (pausing every 1000 so the stream
 * can write), closes it, then prints `{closedAfterMs, arrayBuffers, settled}` on stderr and exits.
 */
function loggingProcess(lines: number) {
  const module = fileURLToPath(new URL('../../src/api/request-log.ts', import.meta.url));
  const script = `
    const {RequestLog} = await import(${JSON.stringify(module)});
    const log = new RequestLog({fd: 1});
    for (let i = 0; i < ${lines}; i++) {
      log.request('req-' + i, 'GET', '/BRLBTC/mms?from=1619481600&range=20&pad=' + 'x'.repeat(100), 200);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    const start = Date.now();
    const settled = await log.close();
    process.stderr.write(JSON.stringify({closedAfterMs: Date.now() - start, arrayBuffers, settled}));
    // A write stalled on a reader that stopped reading would keep this process alive.
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{code: number | null; stderr: string}>((resolve) => child.on('close', (code) => resolve({code, stderr})));
  return {child, exited};
}

test('a log reader that goes away (EPIPE) does not take the server down: lines are dropped from then on, and closing still completes', async (t) => {
  const {child, exited} = loggingProcess(200_000);
  child.stdout.once('data', () => child.stdout.destroy());
  const {code, stderr} = await exited;
  t.is(code, 0, stderr);
  const {closedAfterMs, settled} = JSON.parse(stderr) as {closedAfterMs: number; settled: boolean};
  t.true(closedAfterMs < 1500, `closed after ${closedAfterMs} ms`);
  t.true(settled, 'no write left under way');
});

test('a log reader that stops reading: at most 16 MB of lines wait in memory, the rest are dropped, and closing gives up after 2 s', async (t) => {
  const {child, exited} = loggingProcess(300_000); // ~60 MB of lines
  child.stdout.pause(); // never read: the pipe fills and the writes stall
  const {code, stderr} = await exited;
  t.is(code, 0, stderr);
  const {closedAfterMs, arrayBuffers, settled} = JSON.parse(stderr) as {closedAfterMs: number; arrayBuffers: number; settled: boolean};
  t.false(settled, 'a write is still stalled');
  t.true(arrayBuffers < 24 * 1_048_576, `${(arrayBuffers / 1_048_576).toFixed(1)} MB of buffers held`);
  t.true(closedAfterMs >= 1900 && closedAfterMs < 4000, `closed after ${closedAfterMs} ms`);
  child.stdout.destroy();
});
