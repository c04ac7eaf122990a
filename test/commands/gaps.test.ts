import {createServer, type IncomingMessage} from 'node:http';
import {readFile, writeFile} from 'node:fs/promises';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {recordedDataset} from '../../simulator/recorded-dataset.js';
import {dayStart, simulatedProject, type StoredRecord} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';

/** A loaded store (365 days per pair through 2022-04-26) with the records of `drop` days removed. */
async function storeWithGaps(t: ExecutionContext, options: {drop?: (r: StoredRecord) => boolean; alarms?: unknown[]; nulls?: string[]} = {}) {
  const project = await simulatedProject(t, {
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}, ...(options.alarms ? {alarms: options.alarms} : {})}),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const complete = await project.rawData();
  const records = (await project.records())
    .filter((r) => !options.drop?.(r))
    .map((r) => (options.nulls?.includes(`${r.pair} ${new Date(r.timestamp * 1000).toISOString().slice(0, 10)}`) ? {...r, mms_50: null} : r));
  await writeFile(project.dataPath, `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  return {project, complete};
}

const inDays = (from: string, to: string) => (r: StoredRecord) => r.pair === 'BRLBTC' && r.timestamp >= dayStart(from) && r.timestamp <= dayStart(to);

test('a complete store: exit 0, nothing reported, no alarm', async (t) => {
  const {project} = await storeWithGaps(t);
  const run = await project.mms(['gaps', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  t.like(report, {ok: true, period: {from: '2021-04-27', to: '2022-04-26', days: 365, bars: 365}, alarms: []});
  t.notRegex(run.stderr, /ALARM/);
});

test('gaps at the start, in the middle and at the end of the period are reported as compact runs; exit 6 and the log alarm', async (t) => {
  const {project} = await storeWithGaps(t, {
    drop: (r) => inDays('2021-04-27', '2021-04-28')(r) || inDays('2022-01-10', '2022-01-12')(r) || inDays('2022-04-26', '2022-04-26')(r),
  });
  const run = await project.mms(['gaps'], NOW);
  t.is(run.code, 6);
  t.regex(run.stdout, /• BRLBTC: missing 2021-04-27\.\.2021-04-28 \(2 days\), never ingested/);
  t.regex(run.stdout, /• BRLBTC: missing 2022-01-10\.\.2022-01-12 \(3 days\), never ingested/);
  t.regex(run.stdout, /• BRLBTC: missing 2022-04-26 \(1 day\), never ingested/);
  t.notRegex(run.stdout, /BRLETH: missing/);
  t.regex(run.stderr, /ALARM • BRLBTC: missing 2022-01-10\.\.2022-01-12 \(3 days\)/);
  const json = JSON.parse((await project.mms(['gaps', '--json'], NOW)).stdout);
  t.deepEqual(json.pairs[0].missing, [
    {from: '2021-04-27', to: '2021-04-28', bars: 2, cause: 'not-ingested'},
    {from: '2022-01-10', to: '2022-01-12', bars: 3, cause: 'not-ingested'},
    {from: '2022-04-26', to: '2022-04-26', bars: 1, cause: 'not-ingested'},
  ]);
  t.is(json.pairs[0].missingBars, 6);
});

test('today is never reported, whatever the hour; MMS_NOW moves the period', async (t) => {
  const {project} = await storeWithGaps(t);
  t.is((await project.mms(['gaps'], '2022-04-27T23:59:59Z')).code, 0, 'today (2022-04-27) is still running: not missing');
  const later = await project.mms(['gaps', '--json'], '2022-04-29T08:00:00Z');
  t.is(later.code, 6);
  t.like(JSON.parse(later.stdout).pairs[0], {missing: [{from: '2022-04-27', to: '2022-04-28', bars: 2, cause: 'not-ingested'}]});
});

test('a pair with no records at all has every day missing, and a null average counts as incomplete', async (t) => {
  const {project} = await storeWithGaps(t, {drop: (r) => r.pair === 'BRLETH', nulls: ['BRLBTC 2022-02-01']});
  const json = JSON.parse((await project.mms(['gaps', '--json', '--days', '30'], NOW)).stdout);
  t.like(json.pairs[1], {pair: 'BRLETH', missingBars: 30, missing: [{from: '2022-03-28', to: '2022-04-26', cause: 'not-ingested'}]});
  const year = JSON.parse((await project.mms(['gaps', '--json'], NOW)).stdout);
  t.deepEqual(year.pairs[0].incomplete, [{from: '2022-02-01', to: '2022-02-01', bars: 1, cause: 'history-missing'}]);
  t.false(year.ok);
});

test('gaps --enqueue then mms retry closes the gaps, and the next check exits 0', async (t) => {
  const {project, complete} = await storeWithGaps(t, {drop: inDays('2022-01-10', '2022-01-12'), nulls: ['BRLETH 2021-12-01']});
  const enqueue = await project.mms(['gaps', '--enqueue'], NOW);
  t.is(enqueue.code, 6);
  t.regex(enqueue.stdout, /Queued 2 window\(s\)/);
  const pending = JSON.parse((await project.mms(['retry', '--list', '--json'], NOW)).stdout).pending;
  t.like(
    pending,
    [
      {pair: 'BRLETH', from: '2021-12-01', to: '2021-12-01', kind: 'gap'},
      {pair: 'BRLBTC', from: '2022-01-10', to: '2022-01-12', kind: 'gap'},
    ].sort((a, b) => (a.pair < b.pair ? -1 : 1)),
  );
  t.is((await project.mms(['retry'], NOW)).code, 0);
  t.is((await project.mms(['gaps'], NOW)).code, 0);
  t.is(await project.rawData(), complete, 'the repaired store is the complete one, byte for byte');
});

test('days the source has no candle for are told apart from failed ingests, and are not queued', async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'hole', pair: 'BRLBTC', from: dayStart('2022-01-10'), to: dayStart('2022-01-10')}],
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}}),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const json = JSON.parse((await project.mms(['gaps', '--json', '--enqueue'], NOW)).stdout);
  t.deepEqual(json.pairs[0].missing, [{from: '2022-01-10', to: '2022-01-10', bars: 1, cause: 'no-candle-at-source'}]);
  t.deepEqual(json.pairs[0].incomplete, [{from: '2022-01-11', to: '2022-04-26', bars: 106, cause: 'no-candle-at-source'}]);
  t.is(json.enqueued, 0);
});

test("a hole in the look-back of the first load is the source's, not a history a retry could fill: not queued, so gaps --enqueue and retry never loop", async (t) => {
  // The first load writes 2021-04-27..2022-04-26 and reads from 2020-10-10: 2021-04-20 is in its look-back.
  const project = await simulatedProject(t, {
    faults: [{type: 'hole', pair: 'BRLBTC', from: dayStart('2021-04-20'), to: dayStart('2021-04-20')}],
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}}),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const run = await project.mms(['gaps', '--json', '--enqueue'], NOW);
  t.is(run.code, 6, 'still reported by default');
  const json = JSON.parse(run.stdout);
  t.deepEqual(json.pairs[0].missing, []);
  t.deepEqual(json.pairs[0].incomplete, [{from: '2021-04-27', to: '2021-11-05', bars: 193, cause: 'no-candle-at-source'}]);
  t.is(json.enqueued, 0);
  t.is((await project.mms(['retry'], NOW)).stdout.trim(), 'Nothing pending.');
});

test("a pair listed less than 199 days before the first load: its first averages lack the source's history, not ours, and are not queued", async (t) => {
  const recorded = recordedDataset();
  const listed = dayStart('2021-03-01');
  const project = await simulatedProject(t, {
    dataset: {...recorded, candles: (pair, ...rest) => recorded.candles(pair, ...rest).filter((c) => pair !== 'BRLBTC' || c.timestamp >= listed)},
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}}),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  const json = JSON.parse((await project.mms(['gaps', '--json', '--enqueue'], NOW)).stdout);
  // The first 200-day window of whole history ends on 2021-09-16.
  t.deepEqual(json.pairs[0].incomplete, [{from: '2021-04-27', to: '2021-09-15', bars: 142, cause: 'no-candle-at-source'}]);
  t.like(json.pairs[1], {pair: 'BRLETH', missingBars: 0, incompleteBars: 0});
  t.is(json.enqueued, 0);
});

test("--accept-source-holes lists the days only the source's holes affect as accepted: exit 0, no alarm; anything else still fails", async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'hole', pair: 'BRLBTC', from: dayStart('2022-01-10'), to: dayStart('2022-01-10')}],
    config: (url) => ({source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0}}),
  });
  t.is((await project.mms(['ingest'], NOW)).code, 0);
  t.is((await project.mms(['gaps'], NOW)).code, 6, 'the default reports them as the issue asks');

  const accepted = await project.mms(['gaps', '--accept-source-holes'], NOW);
  t.is(accepted.code, 0, accepted.stderr);
  t.notRegex(accepted.stderr, /ALARM/);
  t.regex(
    accepted.stdout,
    /^mms: no day missing in the last 365 days \(2021-04-27\.\.2022-04-26 UTC\); 107 days affected only by the source's own holes, accepted \(--accept-source-holes\)$/m,
  );
  t.regex(accepted.stdout, /^• BRLBTC: missing 2022-01-10 \(1 day\), accepted: the source has no candle for it$/m);
  t.regex(
    accepted.stdout,
    /^• BRLBTC: incomplete 2022-01-11\.\.2022-04-26 \(106 days\), accepted: an average whose window reaches a day the source has no candle for/m,
  );
  const json = JSON.parse((await project.mms(['gaps', '--json', '--accept-source-holes'], NOW)).stdout);
  t.like(json, {ok: true, alarms: []});
  t.deepEqual(json.pairs[0], {
    pair: 'BRLBTC',
    missing: [],
    incomplete: [],
    missingBars: 0,
    incompleteBars: 0,
    accepted: [
      {kind: 'missing', from: '2022-01-10', to: '2022-01-10', bars: 1, cause: 'no-candle-at-source'},
      {kind: 'incomplete', from: '2022-01-11', to: '2022-04-26', bars: 106, cause: 'no-candle-at-source'},
    ],
    acceptedBars: 107,
  });

  // A day that was never ingested is not the source's doing: it still fails and raises the alarm.
  const records = (await project.records()).filter((r) => !(r.pair === 'BRLETH' && r.timestamp === dayStart('2022-02-01')));
  await writeFile(project.dataPath, `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  const mixed = await project.mms(['gaps', '--json', '--accept-source-holes'], NOW);
  t.is(mixed.code, 6);
  const report = JSON.parse(mixed.stdout);
  t.like(report, {
    ok: false,
    pairs: [
      {missingBars: 0, acceptedBars: 107},
      {pair: 'BRLETH', missing: [{from: '2022-02-01', to: '2022-02-01', cause: 'not-ingested'}]},
    ],
  });
  t.regex(mixed.stderr, /ALARM • BRLETH: missing 2022-02-01 \(1 day\), never ingested/);
});

/** A webhook receiver on loopback that answers `status`, or never answers. */
async function receiver(t: ExecutionContext, behaviour: 'ok' | 500 | 'hang') {
  const bodies: unknown[] = [];
  // Counted on arrival: a client that gives up may cut a request before its body is read here.
  const received = {count: 0};
  const server = createServer((request: IncomingMessage, response) => {
    received.count++;
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(JSON.parse(body));
      if (behaviour === 'hang') return;
      response.writeHead(behaviour === 'ok' ? 200 : behaviour).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, received};
}

test('the webhook alarm POSTs the report with a Slack-compatible text, once per run; the file alarm writes it', async (t) => {
  const hook = await receiver(t, 'ok');
  const {project} = await storeWithGaps(t, {
    drop: inDays('2022-01-10', '2022-01-10'),
    alarms: [
      {use: 'webhook', url: hook.url},
      {use: 'file', path: 'reports/gaps.json'},
    ],
  });
  const run = await project.mms(['gaps'], NOW);
  t.is(run.code, 6, run.stderr);
  t.is(hook.bodies.length, 1);
  const [body] = hook.bodies as Array<{text: string; report: {pairs: Array<{pair: string; missingBars: number}>}}>;
  t.regex(body!.text, /^mms: data missing in the last 365 days \(2021-04-27\.\.2022-04-26 UTC, 1d\)\n• BRLBTC: missing 2022-01-10 \(1 day\), never ingested/);
  t.like(body!.report.pairs[0], {pair: 'BRLBTC', missingBars: 1});
  const file = JSON.parse(await readFile(join(project.dir, 'reports', 'gaps.json'), 'utf8'));
  t.deepEqual(file.text, body!.text);
  t.notRegex(run.stderr, /ALARM/, 'the log alarm is not configured here');
});

test('a webhook that fails or hangs is retried, then reported with exit 7; the other alarms still fire', async (t) => {
  for (const behaviour of [500, 'hang'] as const) {
    const hook = await receiver(t, behaviour);
    // Only the hanging receiver is about timing out; a loaded machine must not turn the 500 case into a timeout.
    const timeoutMs = behaviour === 'hang' ? 1000 : 30_000;
    const {project} = await storeWithGaps(t, {
      drop: inDays('2022-01-10', '2022-01-10'),
      alarms: [{use: 'webhook', url: hook.url, timeoutMs, retry: {limit: 1, baseDelayMs: 10}}, {use: 'log'}],
    });
    const run = await project.mms(['gaps'], NOW);
    t.is(run.code, 7, `${behaviour}: ${run.stderr}`);
    const reason = behaviour === 500 ? 'HTTP 500' : 'no answer within 1000 ms';
    const origin = new URL(hook.url).origin;
    t.regex(
      run.stderr,
      new RegExp(
        `Error: the webhook alarm could not be raised: webhook alarm: POST ${origin.replace(/[/.]/g, '\\$&')}/… failed: ${reason} after 2 attempt\\(s\\)`,
      ),
    );
    t.notRegex(run.stderr, /\/hook/, 'the path of a webhook URL (often its secret) is never printed');
    // The client counts its two attempts (in the message above); on a loaded machine a second attempt
    // against a hanging receiver may time out before it even reaches it, so at least the first must have.
    t.true(hook.received.count >= 1 && hook.received.count <= 2, `received ${hook.received.count}`);
    if (behaviour === 500) t.is(hook.received.count, 2, 'a failing receiver is tried twice');
    t.regex(run.stderr, /ALARM • BRLBTC: missing 2022-01-10/, 'the log alarm still fired');
  }
});
