import {connect, type Socket} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import Fastify from 'fastify';
import {closeGracefully} from '../../src/api/close-gracefully.js';

async function connected(url: string): Promise<{socket: Socket; received: () => string; closed: Promise<void>}> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {socket, received: () => received, closed};
}

test('closing finishes the answer under way, and at once closes connections that sent nothing, part of a request, or are idle', async (t) => {
  const app = Fastify();
  let answer!: (body: string) => void;
  const answered = new Promise<string>((resolve) => (answer = resolve));
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  app.get('/slow', async () => {
    started();
    return answered;
  });
  app.get('/fast', async () => 'fast');
  const close = closeGracefully(app);
  const url = await app.listen({host: '127.0.0.1', port: 0});
  t.teardown(() => app.close());

  const silent = await connected(url); // a browser's preconnection: nothing sent yet
  const partial = await connected(url);
  partial.socket.write('GET /fast HTTP/1.1\r\nHost: mms\r\n'); // headers not finished
  const idle = await connected(url);
  idle.socket.write('GET /fast HTTP/1.1\r\nHost: mms\r\n\r\n'); // answered, then kept alive
  const slow = await connected(url);
  slow.socket.write('GET /slow HTTP/1.1\r\nHost: mms\r\n\r\n');
  while (!idle.received().endsWith('fast')) await sleep(10);
  await underWay;
  t.teardown(() => {
    for (const c of [silent, partial, idle, slow]) c.socket.destroy();
  });

  const begun = Date.now();
  const done = close();
  const others = Promise.all([silent.closed, partial.closed, idle.closed]).then(() => 'closed');
  t.is(await Promise.race([others, sleep(5000, 'a connection without an answer under way still open after 5 s')]), 'closed');
  t.false(slow.socket.destroyed, 'the answer under way keeps its connection');
  answer('slow');
  t.is(await Promise.race([done.then(() => 'closed'), sleep(5000, 'still open after 5 s')]), 'closed');
  t.true(Date.now() - begun < 2000, `closed after ${Date.now() - begun} ms`);
  t.regex(slow.received(), /^HTTP\/1\.1 200 OK[\s\S]*slow$/);
  t.is(partial.received(), '');
});
