import {spawn} from 'node:child_process';
import {createServer} from 'node:net';
import {join} from 'node:path';
import test from 'ava';
import {ROOT, runCli} from '../helpers/run-cli.js';
import {tempDir} from '../helpers/temp-dir.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

test('mms simulate --json says where it listens at once, serves both API shapes with scripted faults, and stops cleanly on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'simulate', '--port', '0', '--json', '--quiet', '--fault', 'down:1'], {
    env: {PATH: process.env.PATH, TZ: process.env.TZ, MMS_NOW: '2022-04-27T12:00:00Z'},
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const ready = await new Promise<{url: string; v4BaseUrl: string; legacyBaseUrl: string; now: string}>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.on('error', reject);
  });
  t.is(ready.now, '2022-04-27T12:00:00.000Z');
  const v4 = `${ready.v4BaseUrl}/candles?symbol=BTC-BRL&resolution=1d&from=${day('2022-04-20')}&to=${day('2022-04-30')}`;
  t.is((await fetch(v4)).status, 503, 'the scripted first request fails');
  const body = (await (await fetch(v4)).json()) as {t: number[]};
  t.is(body.t.at(-1), day('2022-04-27'), 'the running day is served (and must be dropped by clients)');
  const legacy = (await (await fetch(`${ready.legacyBaseUrl}/BRLETH/candle?from=${day('2022-04-20')}&to=${day('2022-04-21')}&precision=1d`)).json()) as {candles: unknown[]};
  t.is(legacy.candles.length, 2);
  child.kill('SIGTERM');
  t.is(await exit, 0);
});

test('mms simulate refuses a busy port and an unknown fault with exit 2 and a plain message', async (t) => {
  const busy = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => busy.once('listening', resolve));
  t.teardown(() => busy.close());
  const port = (busy.address() as {port: number}).port;
  const cwd = await tempDir(t);
  const taken = await runCli(['simulate', '--port', String(port)], {cwd});
  t.is(taken.code, 2);
  t.regex(taken.stderr, new RegExp(`--port ${port}: already in use on 127.0.0.1; pick another port, or --port 0`));
  const fault = await runCli(['simulate', '--port', '0', '--fault', 'meteor-strike'], {cwd});
  t.is(fault.code, 2);
  t.regex(fault.stderr, /--fault: unknown fault "meteor-strike"; known: down, down-after/);
});
