import {spawn} from 'node:child_process';
import {join} from 'node:path';
import test from 'ava';
import {ROOT} from '../helpers/run-cli.js';
import {simulatedProject} from '../helpers/simulated-project.js';

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
