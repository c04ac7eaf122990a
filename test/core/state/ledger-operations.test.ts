import test from 'ava';
import {EMPTY_LEDGER, type LedgerState} from '../../../src/core/contracts/state-store.js';
import {clearFailures, pendingFailures, recordFailure, recordHoles, recordRestated, resolveRange} from '../../../src/core/state/ledger-operations.js';

const DAY = 86_400;
const d = (n: number) => n * DAY;
const failure = (pair: string, from: number, to: number, message = 'down') => ({
  pair,
  resolution: '1d' as const,
  range: {from: d(from), to: d(to)},
  kind: 'transient' as const,
  message,
});

test('a failure is queued with one attempt and both timestamps', (t) => {
  const state = recordFailure(EMPTY_LEDGER, failure('BRLBTC', 10, 20), DAY, '2022-01-01T00:00:00Z');
  t.like(state.failures, [
    {pair: 'BRLBTC', from: d(10), to: d(20), attempts: 1, firstFailedAt: '2022-01-01T00:00:00Z', lastTriedAt: '2022-01-01T00:00:00Z', status: 'pending'},
  ]);
});

test('the same window failing again counts attempts and keeps the first failure time', (t) => {
  let state = recordFailure(EMPTY_LEDGER, failure('BRLBTC', 10, 20), DAY, '2022-01-01T00:00:00Z');
  state = recordFailure(state, failure('BRLBTC', 10, 20, 'still down'), DAY, '2022-01-01T06:00:00Z');
  t.is(state.failures.length, 1);
  t.like(state.failures[0], {attempts: 2, firstFailedAt: '2022-01-01T00:00:00Z', lastTriedAt: '2022-01-01T06:00:00Z', message: 'still down'});
});

test('overlapping failures of a pair are folded so pending windows never overlap; other pairs are untouched', (t) => {
  let state = recordFailure(EMPTY_LEDGER, failure('BRLBTC', 10, 20), DAY, 'a');
  state = recordFailure(state, failure('BRLETH', 10, 20), DAY, 'a');
  state = recordFailure(state, failure('BRLBTC', 15, 30), DAY, 'b');
  const btc = state.failures.filter((f) => f.pair === 'BRLBTC').map((f) => [f.from / DAY, f.to / DAY, f.attempts]);
  t.deepEqual(btc.sort(), [
    [10, 14, 1],
    [15, 30, 2],
  ]);
  t.is(state.failures.filter((f) => f.pair === 'BRLETH').length, 1);
});

test('resolving a range resolves what it covers and keeps the rest pending, split in two if needed', (t) => {
  let state: LedgerState = recordFailure(EMPTY_LEDGER, failure('BRLBTC', 10, 30), DAY, 'a');
  state = resolveRange(state, 'BRLBTC', '1d', {from: d(15), to: d(20)}, DAY, 'b');
  t.deepEqual(
    pendingFailures(state).map((f) => [f.from / DAY, f.to / DAY]),
    [
      [10, 14],
      [21, 30],
    ],
  );
  t.like(
    state.failures.find((f) => f.status === 'resolved'),
    {from: d(15), to: d(20), resolvedAt: 'b'},
  );
  t.is(resolveRange(state, 'BRLETH', '1d', {from: 0, to: d(100)}, DAY, 'c'), state, 'nothing to resolve: the same state');
});

test('pending windows come oldest failure first', (t) => {
  let state = recordFailure(EMPTY_LEDGER, failure('BRLETH', 50, 60), DAY, '2022-01-02T00:00:00Z');
  state = recordFailure(state, failure('BRLBTC', 70, 80), DAY, '2022-01-01T00:00:00Z');
  t.deepEqual(
    pendingFailures(state).map((f) => f.pair),
    ['BRLBTC', 'BRLETH'],
  );
});

test('source holes inside a range are replaced by what the latest run saw', (t) => {
  let state = recordHoles(
    EMPTY_LEDGER,
    'BRLBTC',
    '1d',
    {from: d(0), to: d(100)},
    [
      {from: d(10), to: d(12)},
      {from: d(50), to: d(50)},
    ],
    DAY,
    'a',
  );
  // MB published day 50 later: a rerun of 40..60 finds no hole there any more.
  state = recordHoles(state, 'BRLBTC', '1d', {from: d(40), to: d(60)}, [], DAY, 'b');
  t.deepEqual(
    state.holes.map((h) => [h.from / DAY, h.to / DAY]),
    [[10, 12]],
  );
});

test('clearing drops the windows of the pairs named, or of all pairs', (t) => {
  let state = recordFailure(EMPTY_LEDGER, failure('BRLBTC', 10, 20), DAY, 'a');
  state = recordFailure(state, failure('BRLETH', 10, 20), DAY, 'a');
  const some = clearFailures(state, ['BRLETH']);
  t.is(some.removed, 1);
  t.deepEqual(
    some.state.failures.map((f) => f.pair),
    ['BRLBTC'],
  );
  t.is(clearFailures(state).removed, 2);
});

test("recording one resolution's holes leaves another resolution's holes of the pair as they were", (t) => {
  const HOUR = 3600;
  // Two hourly holes six hours apart: a daily step would join them, an hourly one must not.
  let state = recordHoles(
    EMPTY_LEDGER,
    'BRLBTC',
    '1h',
    {from: d(0), to: d(1)},
    [
      {from: d(0) + HOUR, to: d(0) + HOUR},
      {from: d(0) + 7 * HOUR, to: d(0) + 7 * HOUR},
    ],
    HOUR,
    'a',
  );
  state = recordHoles(state, 'BRLBTC', '1d', {from: d(2), to: d(5)}, [{from: d(3), to: d(3)}], DAY, 'b');
  t.deepEqual(
    state.holes.map((h) => [h.resolution, h.from, h.to]),
    [
      ['1h', d(0) + HOUR, d(0) + HOUR],
      ['1h', d(0) + 7 * HOUR, d(0) + 7 * HOUR],
      ['1d', d(3), d(3)],
    ],
  );
});

test('restatements: a bar restated again keeps only its newest entry, other pairs stay, and a pair keeps its newest 200', (t) => {
  const bar = (pair: string, at: number, seenAt: string, closeAfter = '2') => ({pair, resolution: '1d' as const, at, closeBefore: '1', closeAfter, seenAt});
  let state = recordRestated(EMPTY_LEDGER, [bar('BRLETH', 0, '2022-01-01')]);
  state = recordRestated(state, [bar('BRLBTC', DAY, '2022-01-02')]);
  state = recordRestated(state, [bar('BRLBTC', DAY, '2022-01-03', '3'), bar('BRLBTC', 2 * DAY, '2022-01-03')]);
  t.deepEqual(state.restated, [bar('BRLETH', 0, '2022-01-01'), bar('BRLBTC', DAY, '2022-01-03', '3'), bar('BRLBTC', 2 * DAY, '2022-01-03')]);
  t.is(recordRestated(state, []), state, 'nothing to add: the same state');
  const many = recordRestated(
    state,
    Array.from({length: 250}, (_, i) => bar('BRLBTC', (10 + i) * DAY, `2022-02-${String(1 + (i % 28)).padStart(2, '0')}T${String(i).padStart(3, '0')}`)),
  );
  const btc = many.restated!.filter((r) => r.pair === 'BRLBTC');
  t.is(btc.length, 200);
  t.true(many.restated!.some((r) => r.pair === 'BRLETH'));
});
