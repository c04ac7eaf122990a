import {spawn} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {join} from 'node:path';
import test from 'ava';
import {type Fault, parseFault} from '../../simulator/fault-plan.js';
import {ROOT} from '../helpers/run-cli.js';
import {runCommand} from '../helpers/run-command.js';
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
  const legacy = (await (await fetch(`${ready.legacyBaseUrl}/BRLETH/candle?from=${day('2022-04-20')}&to=${day('2022-04-21')}&precision=1d`)).json()) as {
    candles: unknown[];
  };
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
  const taken = await runCommand(['simulate', '--port', String(port)], {cwd});
  t.is(taken.code, 2);
  t.regex(taken.stderr, new RegExp(`--port ${port}: already in use on 127.0.0.1; pick another port, or --port 0`));
  const fault = await runCommand(['simulate', '--port', '0', '--fault', 'meteor-strike'], {cwd});
  t.is(fault.code, 2);
  t.regex(fault.stderr, /--fault: unknown fault "meteor-strike"; known: down, down-after/);
});

/** One example per spec of the fault table in docs/commands.md, and the fault it must become. */
const FAULT_SPECS: ReadonlyArray<readonly [string, Fault]> = [
  ['down', {type: 'down', requests: undefined}],
  ['down:3', {type: 'down', requests: 3}],
  ['down-after:2', {type: 'down', after: 2}],
  ['fail-pair:BRLETH', {type: 'fail-pair', pair: 'BRLETH'}],
  ['cloudflare', {type: 'cloudflare', requests: undefined}],
  ['cloudflare:4', {type: 'cloudflare', requests: 4}],
  ['rate-limit', {type: 'rate-limit', requests: undefined, retryAfter: undefined}],
  ['rate-limit:2', {type: 'rate-limit', requests: 2, retryAfter: undefined}],
  ['rate-limit:2:30', {type: 'rate-limit', requests: 2, retryAfter: 30}],
  ['slow:15000', {type: 'slow', delayMs: 15_000, requests: undefined}],
  ['slow:15000:1', {type: 'slow', delayMs: 15_000, requests: 1}],
  ['hole:BRLBTC:2022-01-10', {type: 'hole', pair: 'BRLBTC', from: day('2022-01-10'), to: day('2022-01-10')}],
  ['hole:BRLBTC:2022-01-10..2022-01-12', {type: 'hole', pair: 'BRLBTC', from: day('2022-01-10'), to: day('2022-01-12')}],
  ['malformed-json', {type: 'malformed-json', requests: undefined}],
  ['malformed-json:1', {type: 'malformed-json', requests: 1}],
  ['unequal-columns', {type: 'unequal-columns', requests: undefined}],
  ['unequal-columns:1', {type: 'unequal-columns', requests: 1}],
  ['partial-day', {type: 'partial-day'}],
  ['restate:BRLBTC:2022-04-20', {type: 'restate', pair: 'BRLBTC', at: day('2022-04-20')}],
];

test('--fault accepts every spec docs/commands.md documents, in each of its forms', async (t) => {
  for (const [spec, fault] of FAULT_SPECS) t.deepEqual(parseFault(spec), fault, spec);
  // The fault table of `mms simulate`: a documented fault without an example here fails.
  const readme = await readFile(join(ROOT, 'docs', 'commands.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `([a-z-]+)[^`]*` \| (?:answers|serves|leaves|cuts|includes)\b/gm)].map((m) => m[1]!);
  t.deepEqual(documented, [
    'down',
    'down-after',
    'fail-pair',
    'cloudflare',
    'rate-limit',
    'slow',
    'hole',
    'malformed-json',
    'unequal-columns',
    'partial-day',
    'restate',
  ]);
  const tested = new Set(FAULT_SPECS.map(([spec]) => spec.split(':')[0]));
  t.deepEqual(
    documented.filter((name) => !tested.has(name)),
    [],
  );
});

test('--fault refuses a malformed spec with a message that shows the expected form', (t) => {
  for (const [spec, message] of [
    ['down:soon', /fault "down:soon": the request count must be a whole number, got "soon"/],
    ['down-after', /fault "down-after": give the number of requests served first, e\.g\. down-after:3/],
    ['fail-pair', /fault "fail-pair": name the pair, e\.g\. fail-pair:BRLETH/],
    ['rate-limit:1:later', /fault "rate-limit:1:later": Retry-After must be a whole number, got "later"/],
    ['slow', /fault "slow": give the delay, e\.g\. slow:15000/],
    ['hole:BRLBTC', /fault "hole:BRLBTC": expected hole:PAIR:YYYY-MM-DD\[\.\.YYYY-MM-DD\]/],
    ['hole:BRLBTC:2022-1-10', /expected hole:PAIR:YYYY-MM-DD/],
    ['hole:BRLBTC:2022-01-10..tomorrow', /expected hole:PAIR:YYYY-MM-DD/],
  ] as const) {
    t.throws(() => parseFault(spec), {message}, spec);
  }
});
