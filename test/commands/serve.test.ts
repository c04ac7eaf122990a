import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import test from 'ava';
import {ROOT} from '../helpers/run-cli.js';
import {servedStore} from '../helpers/serve-process.js';
import {simulatedProject} from '../helpers/simulated-project.js';
import {tempDir} from '../helpers/temp-dir.js';

test('mms serve answers from the store on loopback, with MMS_NOW deciding "yesterday", and stops gracefully on SIGTERM', async (t) => {
  const project = await simulatedProject(t);
  t.is((await project.mms(['ingest'], '2022-04-27T12:00:00Z')).code, 0);
  // Served as of 2022-04-20: the default `to` is 2022-04-19, whatever the store holds after it.
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'serve', '--port', '0', '--json'], {
    cwd: project.dir,
    env: {PATH: process.env.PATH, TZ: process.env.TZ, MMS_NOW: '2022-04-20T08:00:00Z', MMS_LOG_LEVEL: 'info'},
  });
  let logs = '';
  child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = await new Promise<{url: string; windows: number[]}>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
  });
  t.deepEqual(ready.windows, [20, 50, 200]);
  t.regex(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const points = (await (await fetch(`${ready.url}/BRLBTC/mms?from=${Date.parse('2022-04-15T00:00:00Z') / 1000}&range=50`)).json()) as Array<{timestamp: number}>;
  t.deepEqual(points.map((p) => new Date(p.timestamp * 1000).toISOString().slice(0, 10)), ['2022-04-15', '2022-04-16', '2022-04-17', '2022-04-18', '2022-04-19']);
  child.kill('SIGTERM');
  t.is(await exit, 0);
  t.regex(logs, /"reqId":"req-\w+".*"method":"GET","url":"\/BRLBTC\/mms\?from=\d+&range=50","status":200/, 'a request log line with its id');
});

test('mms serve announces the chart page; --open does not open a browser when stdout is not a terminal, and says so', async (t) => {
  const store = await servedStore(t);
  const bin = await tempDir(t);
  const opened = join(bin, 'opened.txt');
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > '${opened}'\n`, {mode: 0o755});
  const server = await store.serve({json: false, args: ['--open'], env: {PATH: `${bin}${delimiter}${process.env.PATH}`}});
  t.regex(server.page, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  t.is((await fetch(server.page)).headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(await server.stop(), 0);
  t.regex(server.stderr(), /--open: not opening a browser \(stdout is not a terminal\); the page is at http:\/\/127\.0\.0\.1:\d+\//);
  t.false(existsSync(opened));
});

const hasScript = spawnSync('script', ['--version']).status === 0;
(hasScript && process.platform === 'linux' ? test : test.skip)('mms serve --open in a terminal opens the page with xdg-open, detached', async (t) => {
  const store = await servedStore(t);
  const bin = await tempDir(t);
  const opened = join(bin, 'opened.txt');
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > '${opened}'\n`, {mode: 0o755});
  // `script` runs the command on a pseudo-terminal: what a person typing it gets.
  const command = [process.execPath, join(ROOT, 'bin', 'run.js'), 'serve', '--port', '0', '--open', '--config', join(store.dir, 'mms.config.json')].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: store.dir, env: {PATH: `${bin}${delimiter}${process.env.PATH}`, MMS_NOW: '2022-04-27T12:00:00Z', TZ: process.env.TZ}});
  const exit = new Promise((resolve) => child.on('close', resolve));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exit;
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let i = 0; i < 200 && !existsSync(opened); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const page = /chart page: (\S+)/.exec(out)?.[1];
  t.truthy(page, out);
  t.is(readFileSync(opened, 'utf8').trim(), page!);
});
