import {connect, type Socket} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {buildApp} from '../../src/api/build-app.js';
import type {SeriesCache} from '../../src/api/series-cache.js';
import {SMA_FIELDS} from '../helpers/seeded-api.js';

async function connected(url: string): Promise<{socket: Socket; received: () => string; closed: Promise<number>}> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return {socket, received: () => received, closed};
}

test('closing finishes the answer under way and then its connection, closes idle ones at once, and silent ones within the connection timeout', async (t) => {
  // A store whose first load never came: /health answers 503 at once; a route added below stays under way.
  const cache = {health: () => ({reachable: false, refreshedAt: undefined, latest: new Map()})} as unknown as SeriesCache;
  const app = await buildApp({pairs: ['BRLBTC'], fields: SMA_FIELDS.slice(0, 1), cache, clock: {now: () => 0}, version: 'test', connectionTimeoutMs: 1000});
  let answer!: (body: string) => void;
  const answered = new Promise<string>((resolve) => (answer = resolve));
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  app.get('/slow', async () => {
    started();
    return answered;
  });
  const url = await app.listen({host: '127.0.0.1', port: 0});
  t.teardown(() => app.close());

  const silent = await connected(url); // a browser's preconnection: nothing sent yet
  const partial = await connected(url);
  partial.socket.write('GET /health HTTP/1.1\r\nHost: mms\r\n'); // headers not finished
  const idle = await connected(url);
  idle.socket.write('GET /health HTTP/1.1\r\nHost: mms\r\n\r\n'); // answered, then kept alive
  const slow = await connected(url);
  slow.socket.write('GET /slow HTTP/1.1\r\nHost: mms\r\n\r\n');
  while (!idle.received().includes('"status"')) await sleep(10);
  await underWay;
  t.teardown(() => {
    for (const c of [silent, partial, idle, slow]) c.socket.destroy();
  });

  const begun = Date.now();
  const done = app.close().then(() => Date.now());
  t.is(await Promise.race([idle.closed.then(() => 'closed'), sleep(1000, 'an idle connection still open after 1 s')]), 'closed');
  t.false(slow.socket.destroyed, 'the answer under way keeps its connection');
  answer('slow');
  t.is(await Promise.race([slow.closed.then(() => 'closed'), sleep(1000, 'the answered connection still open after 1 s')]), 'closed');
  t.regex(slow.received(), /^HTTP\/1\.1 200 OK[\s\S]*slow$/);
  const silentAfter = (await silent.closed) - begun;
  const partialAfter = (await partial.closed) - begun;
  t.true(silentAfter < 2500 && partialAfter < 2500, `silent ones closed after ${silentAfter} and ${partialAfter} ms`);
  t.is(partial.received(), '');
  t.true((await done) - begun < 3000, `closed after ${(await done) - begun} ms`);
});
