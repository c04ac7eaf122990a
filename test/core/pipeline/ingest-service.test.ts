import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {setupServer} from 'msw/node';
import {validate} from '../../../src/config/load-config.js';
import {BUNDLED_DEFAULTS} from '../../../src/container/bundled-plugins.js';
import {buildContainer, closeContainer} from '../../../src/container/build-container.js';
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

let dataset: SimulatorDataset = recordedDataset();
const server = setupServer(...mbHandlers({dataset: {hasPair: (p) => dataset.hasPair(p), supportsStep: (s) => dataset.supportsStep(s), candles: (...a) => dataset.candles(...a), description: 'test'}, now: () => NOW}));
test.before(() => server.listen({onUnhandledFrame: 'error'}));
test.after.always(() => server.close());

async function ingest(t: ExecutionContext, source: Record<string, unknown>, options: Parameters<IngestService['run']>[0] = {}) {
  const dir = await tempDir(t);
  const config = validate('test config', dir, {
    pairs: ['BRLBTC'],
    source: {use: 'mercado-bitcoin', baseUrl: MB_V4_BASE, minIntervalMs: 0, ...source},
    transforms: [{use: 'sma', windows: [20, 50, 200]}],
  }, BUNDLED_DEFAULTS);
  const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
  t.teardown(() => closeContainer(container));
  const result = await (await container.getAsync<IngestService>(TOKENS.IngestService)).run(options);
  const file = await readFile(join(dir, 'data', 'mms.json'), 'utf8').catch(() => '[]');
  const stored = JSON.parse(file) as Array<Record<string, number | null>>;
  return {result, stored};
}

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
    for (const field of ['mms_20', 'mms_50', 'mms_200']) t.true(Math.abs(actual[field]! - expected[field]!) <= 1e-12 * expected[field]!, `${field} of ${expected.timestamp}`);
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

test.serial('a range the source answers with no candle at all is a no-data failure, queued, not an empty success', async (t) => {
  dataset = recordedDataset();
  const {result, stored} = await ingest(t, {}, {from: day('2019-01-01'), to: day('2019-01-31')});
  t.like(result.pairs[0], {status: 'failed', written: 0, error: {kind: 'no-data'}, queued: {from: '2019-01-01', to: '2019-01-31'}});
  t.regex(result.pairs[0]!.error!.message, /^BRLBTC 2019-01-01\.\.2019-01-31: the mercado-bitcoin source returned no candle at all/);
  t.false(result.ok);
  t.deepEqual(stored, []);
});

test.serial('two transforms writing the same field, or a transform writing a reserved key, are config errors', async (t) => {
  const dir = await tempDir(t);
  for (const [transforms, message] of [
    [[{use: 'sma', windows: [20]}, {use: 'sma', windows: [50, 20]}], /transforms\[1\] \("sma"\): field "mms_20" is also written by transforms\[0\]/],
  ] as const) {
    const config = validate('test config', dir, {pairs: ['BRLBTC'], transforms}, BUNDLED_DEFAULTS);
    const container = await buildContainer({config, clock: {now: () => NOW}, logger: stderrLogger('silent')});
    await t.throwsAsync(container.getAsync(TOKENS.IngestService), {message});
  }
});
