import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {connect} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';
import {cp, symlink, writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {ROOT} from '../helpers/run-cli.js';
import {servedStore} from '../helpers/served-store.js';
import {simulatedProject} from '../helpers/simulated-project.js';
import {tempDir} from '../helpers/temp-dir.js';
import {day} from '../helpers/utc-day.js';

/** A PATH whose `xdg-open` only writes the URL it was given into `opened`. */
async function fakeXdgOpen(t: ExecutionContext): Promise<{path: string; opened: string}> {
  const bin = await tempDir(t);
  const opened = join(bin, 'opened.txt');
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > '${opened}'\n`, {mode: 0o755});
  return {path: `${bin}${delimiter}${process.env.PATH}`, opened};
}

test('mms serve answers from the store on loopback, with MMS_NOW deciding "yesterday", and stops gracefully on SIGTERM', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  // Served as of 2022-04-20: the default `to` is 2022-04-19, whatever the store holds after it.
  const server = await (await servedStore(t, {project})).serve({now: '2022-04-20T08:00:00Z'});
  const ready = JSON.parse(server.stdout().split('\n')[0]!) as {url: string; windows: number[]};
  t.deepEqual(ready.windows, [20, 50, 200]);
  t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const points = (await (await fetch(`${server.url}/BRLBTC/mms?from=${day('2022-04-15')}&range=50`)).json()) as Array<{timestamp: number}>;
  t.deepEqual(
    points.map((p) => new Date(p.timestamp * 1000).toISOString().slice(0, 10)),
    ['2022-04-15', '2022-04-16', '2022-04-17', '2022-04-18', '2022-04-19'],
  );
  t.is(await server.stop(), 0);
  t.regex(server.stderr(), /"reqId":"req-\w+".*"method":"GET","url":"\/BRLBTC\/mms\?from=\d+&range=50","status":200/, 'a request log line with its id');
});

test('SIGTERM while a request is in flight: the request is answered, and the server exits at once rather than keep its connection alive', async (t) => {
  const server = await (await servedStore(t)).serve();
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  t.teardown(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  // Headers sent, body not yet: the request is in flight when the stop begins, and completes after it.
  socket.write('GET /health HTTP/1.1\r\nHost: mms\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n');
  await sleep(200);
  const started = Date.now();
  const exit = server.stop();
  await sleep(300);
  socket.write('ok');
  t.is(await Promise.race([exit, sleep(10_000, 'still running 10 s after SIGTERM')]), 0, `after ${Date.now() - started} ms`);
  t.regex(answer, /^HTTP\/1\.1 200 OK/);
});

test('a request log reader that stopped reading does not keep the server from stopping: on SIGTERM it exits within seconds', async (t) => {
  const store = await servedStore(t);
  const {argv, cwd, env} = store.invocation();
  const child = spawn(argv[0]!, argv.slice(1), {cwd, env});
  t.teardown(() => child.kill('SIGKILL'));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  while (!stdout.includes('\n')) await sleep(50);
  child.stderr.pause(); // never read again: the pipe fills and the log's writes stall
  const {url} = JSON.parse(stdout.split('\n')[0]!) as {url: string};
  // ~4,000 log lines (~600 KB): far more than the pipe and the log's own 64 KB chunk hold.
  await Promise.all(
    Array.from({length: 8}, async () => {
      for (let i = 0; i < 500; i++) t.is((await fetch(`${url}/BRLBTC/mms?from=${day('2022-04-01')}&range=20`)).status, 200);
    }),
  );
  const started = Date.now();
  child.kill('SIGTERM');
  t.is(await Promise.race([exit, sleep(10_000, 'still running 10 s after SIGTERM')]), 0);
  t.true(Date.now() - started < 6000, `stopped after ${Date.now() - started} ms`);
});

test('mms serve announces the chart page; --open does not open a browser when stdout is not a terminal, and says so', async (t) => {
  const store = await servedStore(t);
  const xdgOpen = await fakeXdgOpen(t);
  const server = await store.serve({json: false, args: ['--open'], env: {PATH: xdgOpen.path}});
  t.regex(server.page, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  t.is((await fetch(server.page)).headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(await server.stop(), 0);
  t.regex(server.stderr(), /--open: not opening a browser \(stdout is not a terminal\); the page is at http:\/\/127\.0\.0\.1:\d+\//);
  t.false(existsSync(xdgOpen.opened));
});

const hasScript = spawnSync('script', ['--version']).status === 0;
(hasScript && process.platform === 'linux' ? test : test.skip)('mms serve --open in a terminal opens the page with xdg-open, detached', async (t) => {
  const store = await servedStore(t);
  const xdgOpen = await fakeXdgOpen(t);
  const {argv, cwd, env} = store.invocation({json: false, args: ['--open'], env: {PATH: xdgOpen.path}});
  // `script` runs the command on a pseudo-terminal: what a person typing it gets.
  const child = spawn('script', ['-qfec', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], {cwd, env});
  const exit = new Promise((resolve) => child.on('close', resolve));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exit;
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // Both the announced page and the opener's file, however they interleave (30 s: a loaded CI machine).
  const announced = () => /chart page: (\S+)/.exec(out)?.[1];
  for (let i = 0; i < 600 && !(announced() && existsSync(xdgOpen.opened)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const page = announced();
  t.truthy(page, out);
  t.is(readFileSync(xdgOpen.opened, 'utf8').trim(), page!);
});

test("an installation without the chart page's files: mms serve refuses at once, before reading the store, exit 2 with one line", async (t) => {
  // The built package as npm installs it, but without web/ (its dependencies are this repository's).
  const installed = await tempDir(t);
  for (const entry of ['package.json', 'bin', 'dist']) await cp(join(ROOT, entry), join(installed, entry), {recursive: true});
  await symlink(join(ROOT, 'node_modules'), join(installed, 'node_modules'));
  const store = await servedStore(t);
  // A store that cannot be read: were it opened, the server would log so (and go on, answering 503).
  await writeFile(store.dataPath, 'not JSON');

  const run = await store.run({json: false, packageRoot: installed});
  t.is(run.code, 2, run.stderr);
  const web = join(installed, 'web');
  t.is(
    run.stderr,
    `Error: chart page: cannot read ${web}/index.html (ENOENT), ${web}/chart-page.js (ENOENT), ${web}/chart-page.css (ENOENT); the installation of mms is broken: reinstall it.\n`,
  );
  t.is(run.stdout, '');

  const json = await store.run({packageRoot: installed});
  t.is(json.code, 2);
  t.like(JSON.parse(json.stdout), {error: {code: 'MMS_PAGE_ASSETS', exitCode: 2}});
  t.is(json.stderr, '');
});
