import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {setupServer} from 'msw/node';
import {validate} from '../../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../../src/container/bundled-plugins.js';
import {buildContainer, closeContainer} from '../../../src/container/build-container.js';
import type {LedgerState} from '../../../src/core/contracts/state-store.js';
import type {IngestService} from '../../../src/core/pipeline/ingest-service.js';
import {TOKENS} from '../../../src/core/tokens.js';
import {stderrLogger} from '../../../src/logger/stderr-logger.js';
import {recordedDataset} from '../../../simulator/recorded-dataset.js';
import type {SimulatorDataset} from '../../../simulator/simulator-dataset.js';
import {MB_V4_BASE, mbHandlers} from '../../helpers/mb-msw-handlers.js';
import {tempDir} from '../../helpers/temp-dir.js';

const NOW = Date.parse('2022-04-27T12:00:00Z');
const DAY = 86_400;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** The recorded data with some days removed, as when MB has no candle for them. */
function withHoles(holes: readonly number[]): SimulatorDataset {
  const recorded = recordedDataset();
  return {...recorded, candles: (...args) => recorded.candles(...args).filter((c) => !holes.includes(c.timestamp))};
}

/** The recorded data without any day before `firstDay`, as for a pair MB listed that day. */
function listedOn(firstDay: number): SimulatorDataset {
  const recorded = recordedDataset();
  return {...recorded, candles: (...args) => recorded.candles(...args).filter((c) => c.timestamp >= firstDay)};
}

let dataset: SimulatorDataset = recordedDataset();
const server = setupServer(
  ...mbHandlers({
    dataset: {hasPair: (p) => dataset.hasPair(p), supportsStep: (s) => dataset.supportsStep(s), candles: (...a) => dataset.candles(...a), description: 'test'},
    now: () => NOW,
  }),
);
test.before(() => server.listen({onUnhandledFrame: 'error'}));
test.after.always(() => server.close());

/** One run of the pipeline into `at.dir` (a fresh directory by default) with the clock at `at.now`. */
async function ingest(
  t: ExecutionContext,
  source: Record<string, unknown>,
  options: Parameters<IngestService['run']>[0] = {},
  at: {dir?: string; now?: number} = {},
) {
  const dir = at.dir ?? (await tempDir(t));
  const config = validate(
    'test config',
    dir,
    {
      pairs: ['BRLBTC'],
      source: {use: 'mercado-bitcoin', baseUrl: MB_V4_BASE, minIntervalMs: 0, ...source},
      transforms: [{use: 'sma', windows: [20, 50, 200]}],
      sink: {use: 'json-file'},
    },
    BUNDLED_DEFAULTS,
  );
  const container = await buildContainer({config, clock: {now: () => at.now ?? NOW}, logger: stderrLogger('silent')});
  t.teardown(() => closeContainer(container));
  const result = await (await container.getAsync<IngestService>(TOKENS.IngestService)).run(options);
  const file = await readFile(join(dir, 'data', 'mms.json'), 'utf8').catch(() => '[]');
  const stored = JSON.parse(file) as Array<Record<string, number | null>>;
  const state = JSON.parse(await readFile(join(dir, 'data', 'mms.state.json'), 'utf8').catch(() => '{"failures": [], "holes": []}')) as LedgerState;
  return {result, stored, state, dir};
}

const days = (holes: LedgerState['holes']) => holes.map((h) => [utcDay(h.from), utcDay(h.to)]);
const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

test.serial('pages of any size give the same records: the windows carry across page boundaries', async (t) => {
  dataset = recordedDataset();
  const whole = await ingest(t, {chunkSize: 1000});
  const pages = await ingest(t, {chunkSize: 7});
  t.is(whole.result.pairs[0]!.requests, 1);
  t.is(pages.result.pairs[0]!.requests, Math.ceil((365 + 199) / 7));
  t.is(whole.stored.length, 365);
  t.is(pages.stored.length, 365);
  whole.stored.forEach((expected, i) => {
    const actual = pages.stored[i]!;
    t.is(actual.timestamp, expected.timestamp);
    // Same windows, summed over differently sized grids: equal up to float rounding.
    for (const field of ['mms_20', 'mms_50', 'mms_200'])
      t.true(Math.abs(actual[field]! - expected[field]!) <= 1e-12 * expected[field]!, `${field} of ${expected.timestamp}`);
  });
});

test.serial('a day the source has no candle for gets no record, and every window covering it is null', async (t) => {
  const hole = day('2022-01-10');
  dataset = withHoles([hole]);
  const {result, stored} = await ingest(t, {chunkSize: 100});
  t.deepEqual(result.pairs[0]!.missing, [{from: '2022-01-10', to: '2022-01-10', bars: 1}]);
  t.is(stored.length, 364);
  t.false(stored.some((r) => r.timestamp === hole));
  for (const record of stored) {
    const after = (record.timestamp! - hole) / DAY;
    for (const w of [20, 50, 200]) {
      const covers = after > 0 && after < w;
      t.is(record[`mms_${w}`] === null, covers, `${new Date(record.timestamp! * 1000).toISOString().slice(0, 10)} mms_${w}`);
    }
  }
});

test.serial('holes before the first day to write only null the windows that reach them, and runs of missing days are reported compactly', async (t) => {
  const early = day('2021-04-01');
  dataset = withHoles([early, day('2022-03-01'), day('2022-03-02'), day('2022-03-03')]);
  const {result, stored} = await ingest(t, {});
  t.deepEqual(result.pairs[0]!.missing, [{from: '2022-03-01', to: '2022-03-03', bars: 3}]);
  const first = stored[0]!;
  t.is(first.timestamp, day('2021-04-27'));
  t.not(first.mms_20, null, 'the 20-day window of 2021-04-27 starts on 2021-04-08, after the early hole');
  t.is(first.mms_50, null);
  t.is(first.mms_200, null);
});

test.serial('a hole in the look-back is recorded in the ledger, though no record of the window is missing', async (t) => {
  // The first load writes 2021-04-27..2022-04-26 and fetches from 2020-10-10 for the 200-day windows.
  dataset = withHoles([day('2021-04-20')]);
  const {result, stored, state} = await ingest(t, {});
  t.deepEqual(result.pairs[0]!.missing, [], 'the window itself has every day');
  t.is(stored.length, 365);
  t.deepEqual(days(state.holes), [['2021-04-20', '2021-04-20']], 'so mms gaps can tell why the first averages are null');
  t.is(stored.find((r) => r.timestamp === day('2021-11-05'))!.mms_200, null, 'the last 200-day window reaching the hole');
  t.not(stored.find((r) => r.timestamp === day('2021-11-06'))!.mms_200, null);
});

test.serial("a pair listed less than a look-back ago: the bars before its first candle are recorded as the source's hole", async (t) => {
  dataset = listedOn(day('2021-03-01'));
  const {result, state} = await ingest(t, {});
  t.like(result.pairs[0], {status: 'written', written: 365, missing: []});
  t.deepEqual(days(state.holes), [['2020-10-10', '2021-02-28']]);
});

test.serial('daily runs whose look-back starts one day later each day keep one hole entry, not one more per run', async (t) => {
  dataset = listedOn(day('2021-03-01'));
  const first = await ingest(t, {}, {}, {now: Date.parse('2022-04-20T12:00:00Z')});
  for (const now of ['2022-04-21', '2022-04-22', '2022-04-23']) await ingest(t, {}, {}, {dir: first.dir, now: Date.parse(`${now}T12:00:00Z`)});
  const {state} = await ingest(t, {}, {}, {dir: first.dir, now: Date.parse('2022-04-24T12:00:00Z')});
  t.deepEqual(days(state.holes), [['2020-10-03', '2021-02-28']]);
});

test.serial('days missing at the end of the window are queued as not published yet, not recorded as holes; the next run writes them', async (t) => {
  dataset = withHoles([day('2022-04-25'), day('2022-04-26')]);
  const first = await ingest(t, {});
  const pair = first.result.pairs[0]!;
  t.like(pair, {
    status: 'failed',
    written: 363,
    lastWritten: '2022-04-24',
    missing: [],
    error: {kind: 'no-data'},
    queued: {from: '2022-04-25', to: '2022-04-26'},
  });
  t.regex(
    pair.error!.message,
    /^BRLBTC 2022-04-25\.\.2022-04-26: the mercado-bitcoin source returned no candle for the last 2 bar\(s\) of the window \(not published yet\?\)$/,
  );
  t.false(first.result.ok, 'exit 3, partial');
  t.deepEqual(first.state.holes, []);
  t.like(first.state.failures, [{from: day('2022-04-25'), to: day('2022-04-26'), kind: 'no-data', status: 'pending'}]);

  dataset = recordedDataset();
  const next = await ingest(t, {}, {}, {dir: first.dir});
  t.like(next.result.pairs[0], {status: 'written', written: 2, firstWritten: '2022-04-25'});
  t.like(next.state.failures, [{status: 'resolved'}]);
  t.is(next.stored.length, 365);
});

test.serial('days missing at the end of a window are a hole when a later day is already stored: the source skipped them', async (t) => {
  dataset = recordedDataset();
  const {dir} = await ingest(t, {});
  dataset = withHoles([day('2022-04-19'), day('2022-04-20')]);
  const {result, state} = await ingest(t, {}, {from: day('2022-04-15'), to: day('2022-04-20')}, {dir});
  t.like(result.pairs[0], {status: 'written', written: 4, missing: [{from: '2022-04-19', to: '2022-04-20', bars: 2}]});
  t.deepEqual(days(state.holes), [['2022-04-19', '2022-04-20']]);
  t.deepEqual(state.failures, []);
});

test.serial('a failure names the queued window, not the request that reached back into the look-back', async (t) => {
  dataset = recordedDataset();
  const {dir} = await ingest(t, {}, {}, {now: Date.parse('2022-04-24T12:00:00Z')});
  // The daily run asks for 2021-10-07..2022-04-26 (199 days of look-back) and is refused.
  dataset = {...recordedDataset(), hasPair: () => false};
  const {result, state} = await ingest(t, {}, {}, {dir});
  t.like(result.pairs[0], {status: 'failed', error: {kind: 'permanent'}, queued: {from: '2022-04-24', to: '2022-04-26'}});
  t.regex(result.pairs[0]!.error!.message, /^BRLBTC 2022-04-24\.\.2022-04-26: PUBLIC_DATA\|LIST_CANDLES\|SYMBOL_IS_INVALID/);
  t.notRegex(result.pairs[0]!.error!.message, /2021-10-07\.\./);
  t.like(state.failures, [{from: day('2022-04-24'), to: day('2022-04-26'), message: result.pairs[0]!.error!.message}]);
});

test.serial('a range the source answers with no candle at all is a no-data failure, queued, not an empty success', async (t) => {
  dataset = recordedDataset();
  const {result, stored} = await ingest(t, {}, {from: day('2019-01-01'), to: day('2019-01-31')});
  t.like(result.pairs[0], {status: 'failed', written: 0, error: {kind: 'no-data'}, queued: {from: '2019-01-01', to: '2019-01-31'}});
  t.regex(result.pairs[0]!.error!.message, /^BRLBTC 2019-01-01\.\.2019-01-31: the mercado-bitcoin source returned no candle at all/);
  t.false(result.ok);
  t.deepEqual(stored, []);
});

test.serial('a run interrupted after the page that revealed a hole keeps it, though no later run looks back that far', async (t) => {
  // The first load fetches from 2020-10-10; the hole lies more than 199 days before where the run is stopped.
  dataset = withHoles([day('2020-11-01')]);
  const clean = await ingest(t, {chunkSize: 10});
  t.deepEqual(days(clean.state.holes), [['2020-11-01', '2020-11-01']]);

  const dir = await tempDir(t);
  const stop = new AbortController();
  const onProgress = (p: {fetchedUpTo: number}) => p.fetchedUpTo >= day('2021-06-01') && stop.abort('SIGTERM');
  await t.throwsAsync(ingest(t, {chunkSize: 10}, {signal: stop.signal, onProgress}, {dir}), {name: 'InterruptedError'});
  const resumed = await ingest(t, {chunkSize: 10}, {}, {dir});
  // Its look-back starts on 2020-11-20, after the hole.
  t.like(resumed.result.pairs[0], {status: 'written', firstWritten: '2021-06-07'});
  t.deepEqual(resumed.state, clean.state, 'the same ledger as the run that was never stopped');
  t.deepEqual(resumed.stored, clean.stored);
});

test.serial("a window before the pair was listed, with later days stored, is the source's hole, not a failure queued for ever", async (t) => {
  dataset = recordedDataset();
  const {dir} = await ingest(t, {});
  const {result, state} = await ingest(t, {}, {from: day('2019-01-01'), to: day('2019-01-31')}, {dir});
  t.like(result.pairs[0], {status: 'written', written: 0, missing: [{from: '2019-01-01', to: '2019-01-31', bars: 31}]});
  t.true(result.ok);
  t.deepEqual(state.failures, []);
  t.deepEqual(days(state.holes), [['2018-06-16', '2019-01-31']], 'the look-back included: the source has nothing before 2020');
});

test.serial('an answer with no candle at all over days the store already has around them is queued as no-data, not excused as a hole', async (t) => {
  dataset = recordedDataset();
  const {dir} = await ingest(t, {});
  // The source answers every request empty, as a glitch might, for a window in the middle of stored days.
  dataset = {...recordedDataset(), candles: () => []};
  const {result, state} = await ingest(t, {}, {from: day('2022-01-10'), to: day('2022-01-12')}, {dir});
  t.like(result.pairs[0], {status: 'failed', written: 0, error: {kind: 'no-data'}, queued: {from: '2022-01-10', to: '2022-01-12'}});
  t.deepEqual(state.holes, []);
  t.like(state.failures, [{from: day('2022-01-10'), to: day('2022-01-12'), kind: 'no-data', status: 'pending'}]);
});

test.serial('two transforms writing the same field, or a transform writing a reserved key, are config errors', async (t) => {
  const dir = await tempDir(t);
  for (const [transforms, message] of [
    [
      [
        {use: 'sma', windows: [20]},
        {use: 'sma', windows: [50, 20]},
      ],
      /transforms\[1\] \("sma"\): field "mms_20" is also written by transforms\[0\]/,
    ],
  ] as const) {
    const config = validate('test config', dir, {pairs: ['BRLBTC'], transforms}, BUNDLED_DEFAULTS);
    const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
    await t.throwsAsync(container.getAsync(TOKENS.IngestService), {message});
  }
});
