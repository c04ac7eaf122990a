import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {Fault} from '../../simulator/fault-plan.js';
import {dayStart, simulatedProject, utcDay} from '../helpers/simulated-project.js';

const NOW = '2022-04-27T12:00:00Z';
const DAY = 86_400;
const FIRST = '2021-04-27';
const LAST = '2022-04-26';

/**
 * Fast retries so a fault is declared in well under a second; the policy itself is tested with the source.
 * The timeout is generous: on a loaded CI machine a healthy answer can take longer than a short one, and only
 * the slow-answer case is about timing out.
 */
const source = (url: string, extra: Record<string, unknown> = {}) => ({
  use: 'mercado-bitcoin',
  baseUrl: `${url}/api/v4`,
  minIntervalMs: 0,
  timeoutMs: 30_000,
  retry: {limit: 2, baseDelayMs: 20, maxDelayMs: 2000},
  ...extra,
});

/** The bytes a fault-free run of the same job writes: what every recovery must end with. */
let reference: Promise<string> | undefined;
function faultFree(t: ExecutionContext): Promise<string> {
  reference ??= (async () => {
    const project = await simulatedProject(t, {config: (url) => ({source: source(url)})});
    const run = await project.mms(['ingest'], NOW);
    if (run.code !== 0) throw new Error(run.stderr);
    return project.rawData();
  })();
  return reference;
}

interface Pending {
  pair: string;
  from: string;
  to: string;
  kind: string;
  attempts: number;
  message: string;
}

async function pending(project: Awaited<ReturnType<typeof simulatedProject>>): Promise<Pending[]> {
  const list = await project.mms(['retry', '--list', '--json'], NOW);
  return (JSON.parse(list.stdout) as {pending: Pending[]}).pending;
}

interface FailingFault {
  readonly name: string;
  readonly faults: Fault[];
  readonly failed: Array<{pair: string; from: string; kind: string; cause: RegExp}>;
  readonly extra?: Record<string, unknown>;
}

const FAILING: FailingFault[] = [
  {
    name: 'the API down (503) for the whole run',
    faults: [{type: 'down'}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({
      pair,
      from: FIRST,
      kind: 'transient',
      cause: /API\|SERVICE\|UNAVAILABLE: Service temporarily unavailable after 3 attempt\(s\); the API may be down/,
    })),
  },
  {
    name: 'one pair always failing (500 with MB error JSON)',
    faults: [{type: 'fail-pair', pair: 'BRLETH'}],
    failed: [
      {
        pair: 'BRLETH',
        from: FIRST,
        kind: 'transient',
        cause: /PUBLIC_DATA\|LIST_CANDLES\|INTERNAL_ERROR: Internal error listing candles of BRLETH after 3 attempt/,
      },
    ],
  },
  {
    name: 'a Cloudflare HTML 403',
    faults: [{type: 'cloudflare'}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({pair, from: FIRST, kind: 'blocked', cause: /HTTP 403: an HTML page instead of the API/})),
  },
  {
    name: '429 without Retry-After, every time',
    faults: [{type: 'rate-limit'}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({pair, from: FIRST, kind: 'transient', cause: /API\|RATE_LIMIT\|EXCEEDED: Too many requests after 3 attempt/})),
  },
  {
    // Waiting as Retry-After asks (tested with the source) must not keep the run from giving up after the retry limit.
    name: '429 with Retry-After, every time',
    faults: [{type: 'rate-limit', retryAfter: 1}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({pair, from: FIRST, kind: 'transient', cause: /API\|RATE_LIMIT\|EXCEEDED: Too many requests after 3 attempt/})),
  },
  {
    name: 'answers slower than the client timeout',
    faults: [{type: 'slow', delayMs: 3000}],
    extra: {timeoutMs: 500},
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({pair, from: FIRST, kind: 'transient', cause: /no response within 500 ms after 3 attempt/})),
  },
  {
    name: 'malformed JSON',
    faults: [{type: 'malformed-json'}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({pair, from: FIRST, kind: 'invalid-response', cause: /invalid response: the body is not valid JSON/})),
  },
  {
    name: 'column arrays of unequal length',
    faults: [{type: 'unequal-columns'}],
    failed: ['BRLBTC', 'BRLETH'].map((pair) => ({
      pair,
      from: FIRST,
      kind: 'invalid-response',
      cause: /invalid response: column arrays have unequal lengths \(t: 500, c: 499\)/,
    })),
  },
  {
    name: 'the API going down in the middle of a pair (after 3 pages)',
    faults: [{type: 'down', after: 3}],
    extra: {chunkSize: 100},
    failed: [
      // 3 pages of 100 days from 2020-10-10 reach 2021-08-05: BRLBTC kept those days and queued the rest.
      {pair: 'BRLBTC', from: utcDay(dayStart('2021-04-27') - 199 * DAY + 300 * DAY), kind: 'transient', cause: /API\|SERVICE\|UNAVAILABLE/},
      {pair: 'BRLETH', from: FIRST, kind: 'transient', cause: /API\|SERVICE\|UNAVAILABLE/},
    ],
  },
];

for (const fault of FAILING) {
  test(`fault matrix — ${fault.name}: exit 3, the ledger holds exactly the failed windows, and mms retry then restores a fault-free result`, async (t) => {
    const project = await simulatedProject(t, {faults: fault.faults, config: (url) => ({source: source(url, fault.extra)})});
    const run = await project.mms(['ingest', '--json'], NOW);
    t.is(run.code, 3, run.stderr);
    t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
    const summary = JSON.parse(run.stdout) as {
      pairs: Array<{pair: string; status: string; error?: {kind: string; message: string}; queued?: {from: string; to: string}}>;
    };
    for (const expected of fault.failed) {
      const pair = summary.pairs.find((p) => p.pair === expected.pair)!;
      t.is(pair.status, 'failed');
      t.is(pair.error?.kind, expected.kind);
      // The message names the pair, the window queued (not the request, which reaches back 199 days more) and the cause.
      t.true(pair.error!.message.startsWith(`${expected.pair} ${expected.from}..${LAST}: `), pair.error!.message);
      t.regex(pair.error!.message, expected.cause);
      t.deepEqual(pair.queued, {from: expected.from, to: LAST});
      t.regex(run.stderr, new RegExp(`error: ${expected.pair} `), 'the failure is shown to a person too');
    }
    t.is(summary.pairs.filter((p) => p.status === 'failed').length, fault.failed.length);

    const queued = await pending(project);
    t.deepEqual(queued.map((q) => [q.pair, q.from, q.to, q.kind, q.attempts]).sort(), fault.failed.map((f) => [f.pair, f.from, LAST, f.kind, 1]).sort());
    for (const q of queued)
      t.true(q.message.startsWith(`${q.pair} ${q.from}..${q.to}: `), `the ledger entry ${q.from}..${q.to} is named in its message: ${q.message}`);

    project.setFaults([]);
    const retry = await project.mms(['retry', '--json'], NOW);
    t.is(retry.code, 0, retry.stderr);
    t.like(JSON.parse(retry.stdout), {ok: true, pending: []});
    t.deepEqual(await pending(project), []);
    t.is(await project.rawData(), await faultFree(t), 'byte-identical to a run that never failed');
  });
}

test('fault matrix — a failure that lasts longer than one retry: attempts grow, nothing is lost when the API comes back', async (t) => {
  const project = await simulatedProject(t, {faults: [{type: 'fail-pair', pair: 'BRLBTC'}], config: (url) => ({source: source(url)})});
  t.is((await project.mms(['ingest'], NOW)).code, 3);
  const again = await project.mms(['retry'], NOW);
  t.is(again.code, 3);
  t.regex(again.stdout, /BRLBTC {2}2021-04-27\.\.2022-04-26 still failing: BRLBTC .*INTERNAL_ERROR/);
  t.like((await pending(project))[0], {pair: 'BRLBTC', attempts: 2});
  project.setFaults([]);
  t.is((await project.mms(['retry'], NOW)).code, 0);
  t.is(await project.rawData(), await faultFree(t));
  const history = JSON.parse((await project.mms(['retry', '--list', '--all', '--json'], NOW)).stdout).pending as Array<{status: string; attempts: number}>;
  t.like(history, [{status: 'resolved', attempts: 2}]);
});

test('fault matrix — the next daily ingest resolves what a failed run queued, so ingest and retry never fight', async (t) => {
  const project = await simulatedProject(t, {faults: [{type: 'down', after: 3}], config: (url) => ({source: source(url, {chunkSize: 100})})});
  t.is((await project.mms(['ingest'], NOW)).code, 3);
  t.is((await pending(project)).length, 2);
  project.setFaults([]);
  const daily = await project.mms(['ingest', '--json'], NOW);
  t.is(daily.code, 0, daily.stderr);
  t.deepEqual(await pending(project), []);
  t.is(await project.rawData(), await faultFree(t));
});

test('fault matrix — transient faults shorter than the in-run retries leave no trace: 503 twice, 429 with Retry-After', async (t) => {
  for (const faults of [[{type: 'down', requests: 2}], [{type: 'rate-limit', requests: 1, retryAfter: 1}]] as Fault[][]) {
    const project = await simulatedProject(t, {faults, config: (url) => ({source: source(url)})});
    const run = await project.mms(['ingest'], NOW);
    t.is(run.code, 0, run.stderr);
    t.deepEqual(await pending(project), []);
    t.is(await project.rawData(), await faultFree(t));
  }
});

test('fault matrix — a partial current day in the answer is never stored', async (t) => {
  const now = '2022-04-20T15:00:00Z';
  const clean = await simulatedProject(t, {config: (url) => ({source: source(url)})});
  const faulty = await simulatedProject(t, {faults: [{type: 'partial-day'}], config: (url) => ({source: source(url)})});
  t.is((await clean.mms(['ingest'], now)).code, 0);
  t.is((await faulty.mms(['ingest'], now)).code, 0);
  const records = await faulty.records();
  t.false(records.some((r) => r.timestamp >= dayStart('2022-04-20')));
  t.is(await faulty.rawData(), await clean.rawData());
});

test('fault matrix — days the source has no candle for are recorded as holes, not failures, and their windows stay null', async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'hole', pair: 'BRLBTC', from: dayStart('2022-01-10'), to: dayStart('2022-01-12')}],
    config: (url) => ({source: source(url)}),
  });
  const run = await project.mms(['ingest', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /BRLBTC: the source has no candle for 3 bar\(s\) of 2021-04-27\.\.2022-04-26: 2022-01-10\.\.2022-01-12/);
  t.deepEqual(JSON.parse(run.stdout).pairs[0].missing, [{from: '2022-01-10', to: '2022-01-12', bars: 3}]);
  t.deepEqual(await pending(project), [], 'a hole is not retried');
  const state = JSON.parse(await readFile(join(project.dir, 'data', 'mms.state.json'), 'utf8'));
  t.like(state.holes, [{pair: 'BRLBTC', resolution: '1d', from: dayStart('2022-01-10'), to: dayStart('2022-01-12')}]);
  const btc = (await project.records()).filter((r) => r.pair === 'BRLBTC');
  t.is(btc.length, 362);
  const after = btc.filter((r) => r.timestamp > dayStart('2022-01-12'));
  // The 20-day windows ending 2022-01-12 .. 2022-01-31 contain the last missing day: 19 stored days after it.
  t.true(
    after.slice(0, 19).every((r) => r.mms_20 === null),
    'no 20-day average while the hole is in the window',
  );
  t.is(utcDay(after[19]!.timestamp), '2022-02-01');
  t.not(after[19]!.mms_20, null);
  t.true(after.slice(0, 199).every((r) => r.mms_200 === null));
  t.true(
    btc.filter((r) => r.timestamp < dayStart('2022-01-10')).every((r) => r.mms_200 !== null),
    'days before the hole keep every window',
  );
});

test('fault matrix — the last days not published yet are queued (exit 3), not recorded as holes; once published, retry completes the store', async (t) => {
  const project = await simulatedProject(t, {
    faults: [{type: 'hole', pair: 'BRLBTC', from: dayStart('2022-04-25'), to: dayStart('2022-04-26')}],
    config: (url) => ({source: source(url)}),
  });
  const run = await project.mms(['ingest', '--json'], NOW);
  t.is(run.code, 3, run.stderr);
  t.like(JSON.parse(run.stdout).pairs[0], {
    pair: 'BRLBTC',
    status: 'failed',
    written: 363,
    lastWritten: '2022-04-24',
    error: {kind: 'no-data'},
    queued: {from: '2022-04-25', to: LAST},
  });
  t.like(await pending(project), [{pair: 'BRLBTC', from: '2022-04-25', to: LAST, kind: 'no-data'}]);
  t.regex(
    (await pending(project))[0]!.message,
    /^BRLBTC 2022-04-25\.\.2022-04-26: the mercado-bitcoin source returned no candle for the last 2 bar\(s\) of the window/,
  );
  const state = JSON.parse(await readFile(join(project.dir, 'data', 'mms.state.json'), 'utf8'));
  t.deepEqual(state.holes, [], "not the source's hole: it may publish them later");
  const gaps = JSON.parse((await project.mms(['gaps', '--json', '--days', '5'], NOW)).stdout);
  t.deepEqual(gaps.pairs[0].missing, [{from: '2022-04-25', to: LAST, bars: 2, cause: 'ingest-failed'}]);

  project.setFaults([]);
  t.is((await project.mms(['retry'], NOW)).code, 0);
  t.deepEqual(await pending(project), []);
  t.is(await project.rawData(), await faultFree(t), 'byte-identical to a run that never failed');
});
