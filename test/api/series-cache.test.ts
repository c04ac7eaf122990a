import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {SeriesCache} from '../../src/api/series-cache.js';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import type {Sink} from '../../src/core/contracts/sink.js';
import {stderrLogger} from '../../src/logger/stderr-logger.js';
import {SqliteSink} from '../../plugins/sqlite/sqlite-sink.js';
import {tempDir} from '../helpers/temp-dir.js';

const MINUTE = 60;
const DAY = 86_400;
const TODAY = Date.parse('2024-01-01T00:00:00Z') / 1000;
const clock = {now: () => (TODAY + 3600) * 1000};

/** 30 days of minute bars (43,200), a value missing every 7th bar, a close that is not a short decimal. */
function minuteBars(): MmsRecord[] {
  return Array.from({length: 30 * 1440}, (_, i) => ({
    pair: 'BRLBTC',
    timestamp: TODAY - 30 * DAY + i * MINUTE,
    close: 100 + i / 3,
    mms_20: i % 7 === 0 ? null : 99 + i / 7,
  }));
}

async function minuteStore(t: ExecutionContext) {
  const sink = new SqliteSink({path: join(await tempDir(t), 'mms.db'), busyTimeoutMs: 2000, resolution: '1m', configKey: 'sink.path'});
  t.teardown(() => sink.close());
  const records = minuteBars();
  for (let i = 0; i < records.length; i += 5000) await sink.upsert(records.slice(i, i + 5000));
  return {sink, records};
}

test('a series longer than one read is loaded page by page and answers the same bytes as JSON.stringify of its points and rows', async (t) => {
  const {sink, records} = await minuteStore(t);
  let reads = 0;
  let largest = 0;
  const counting: Sink = Object.assign(Object.create(sink) as Sink, {
    readRange: async (pair: string, range: {from: number; to: number}) => {
      const rows = await sink.readRange(pair, range);
      reads++;
      largest = Math.max(largest, rows.length);
      return rows;
    },
  });
  const cache = new SeriesCache(counting, ['BRLBTC'], ['mms_20'], clock, stderrLogger('silent'), {step: MINUTE});
  await cache.refresh();
  t.true(reads >= 5 && largest <= 10_000, `${reads} reads of at most ${largest} records`);

  const from = TODAY - 3 * DAY;
  const to = from + DAY - MINUTE;
  const day = records.filter((r) => r.timestamp >= from && r.timestamp <= to);
  const points = day.filter((r) => r.mms_20 !== null).map((r) => ({timestamp: r.timestamp, mms: r.mms_20}));
  t.deepEqual(cache.points('BRLBTC', 'mms_20', from, to), points);
  t.deepEqual(
    cache.rows('BRLBTC', from, to),
    day.map((r) => ({timestamp: r.timestamp, close: r.close, mms_20: r.mms_20})),
  );
  t.deepEqual(cache.points('BRLBTC', 'mms_50', from, to), [], 'a field the store never wrote: no points');
  t.is(cache.points('BRLXRP', 'mms_20', from, to), undefined, 'a pair the cache does not hold');
});

test('a reload is skipped while the store says nothing changed, and happens once another connection writes', async (t) => {
  const {sink} = await minuteStore(t);
  const cache = new SeriesCache(sink, ['BRLBTC'], ['mms_20'], clock, stderrLogger('silent'), {step: MINUTE});
  await cache.refresh();
  const loaded = cache.points('BRLBTC', 'mms_20', TODAY - DAY, TODAY);
  await cache.refresh();
  t.is(cache.points('BRLBTC', 'mms_20', TODAY - DAY, TODAY), loaded, 'nothing changed: the very same answer is served');

  const writer = new SqliteSink({path: sink.path, busyTimeoutMs: 2000, resolution: '1m', configKey: 'sink.path'});
  t.teardown(() => writer.close());
  await writer.upsert([{pair: 'BRLBTC', timestamp: TODAY - MINUTE, close: 1, mms_20: 2}]);
  await cache.refresh();
  t.not(cache.points('BRLBTC', 'mms_20', TODAY - DAY, TODAY), loaded, 'reloaded');
  t.deepEqual(cache.points('BRLBTC', 'mms_20', TODAY - MINUTE, TODAY), [{timestamp: TODAY - MINUTE, mms: 2}]);
});

test('after a failed reload the next one reads the store again, though its data version did not change, and /health recovers', async (t) => {
  const {sink} = await minuteStore(t);
  let failing = false;
  const flaky: Sink = Object.assign(Object.create(sink) as Sink, {
    dataVersion: async () => {
      if (failing) throw new Error('database is locked');
      return sink.dataVersion();
    },
  });
  const cache = new SeriesCache(flaky, ['BRLBTC'], ['mms_20'], clock, stderrLogger('silent'), {step: MINUTE});
  await cache.refresh();
  t.true(cache.health().reachable);
  failing = true;
  await cache.refresh();
  t.false(cache.health().reachable);
  failing = false;
  await cache.refresh();
  t.true(cache.health().reachable, 'reachable again once the store answers');
});
