import type {ExecutionContext, TestFn} from 'ava';
import {candleFromDecimals} from '../core/contracts/candle.js';
import type {MmsRecord} from '../core/contracts/record.js';
import type {Sink} from '../core/contracts/sink.js';
import {EMPTY_LEDGER, type LedgerState, type LockOwner, RUNS_KEPT, type RunRecord} from '../core/contracts/state-store.js';
import {isMmsError} from '../core/errors/mms-error.js';

export interface SinkConformanceOptions {
  /** A new, empty store for one test; register its clean-up with `t.teardown`. */
  readonly create: (t: ExecutionContext) => Promise<Sink>;
  /**
   * A second, independent handle on the same store as `sink` (another connection or process), for the
   * concurrent-writer tests: writers of different pairs, and writers upserting the very same records (the
   * store must keep one record per (pair, timestamp), lose no field either wrote, and raise no duplicate-key
   * error). Leave out for sinks that take only one writer at a time (they must lock).
   */
  readonly reopen?: (t: ExecutionContext, sink: Sink) => Promise<Sink>;
  /**
   * Set for a store written as one unit (a single file): its lock then refuses a second run of any pair.
   * Otherwise locks are per pair, and runs of disjoint pairs must both get theirs.
   */
  readonly locksWholeStore?: boolean;
  /** Records in the large-batch test (100,000 by default). */
  readonly largeBatch?: number;
}

const DAY = 86_400;
const T0 = 1_600_000_000 - (1_600_000_000 % DAY);

/** `n` daily records of `pair` from day `first` on, with fields derived from the day so any mix-up shows. */
function records(pair: string, first: number, n: number, version = 1): MmsRecord[] {
  return Array.from({length: n}, (_, i) => {
    const day = first + i;
    return {pair, timestamp: T0 + day * DAY, close: 100 + day + version / 10, mms_20: day >= 19 ? 50 + day * version : null, mms_50: null};
  });
}

const range = (first: number, last: number) => ({from: T0 + first * DAY, to: T0 + last * DAY});

/**
 * The sink contract as tests: every sink — bundled or yours — must pass them. Call it from an ava test
 * file with a factory for empty stores:
 *
 *   sinkConformance(test, 'my-sink', {create: async (t) => new MySink(await tempStore(t))});
 */
export function sinkConformance(test: TestFn, name: string, options: SinkConformanceOptions): void {
  const title = (what: string) => `${name} sink conformance: ${what}`;

  test(title('records read back in a range are the ones written, ascending, bounds included'), async (t) => {
    const sink = await options.create(t);
    const written = records('BRLBTC', 0, 30);
    await sink.upsert([...written].reverse());
    await sink.upsert(records('BRLETH', 0, 30, 2));
    t.deepEqual(await sink.readRange('BRLBTC', range(5, 9)), written.slice(5, 10));
    t.deepEqual(await sink.readRange('BRLBTC', {from: T0 + 5 * DAY + 1, to: T0 + 9 * DAY - 1}), written.slice(6, 9));
    t.deepEqual(await sink.readRange('BRLXRP', range(0, 30)), []);
  });

  test(title('writing the same records twice changes nothing and duplicates nothing'), async (t) => {
    const sink = await options.create(t);
    const written = records('BRLBTC', 0, 40);
    await sink.upsert(written);
    await sink.upsert(written);
    t.deepEqual(await sink.readRange('BRLBTC', range(0, 39)), written);
    t.deepEqual(
      await sink.listTimestamps('BRLBTC', range(0, 39)),
      written.map((r) => r.timestamp),
    );
  });

  test(title('overlapping writes merge: the union of days, the later value for a day written twice'), async (t) => {
    const sink = await options.create(t);
    await sink.upsert(records('BRLBTC', 0, 20, 1));
    await sink.upsert(records('BRLBTC', 10, 20, 2));
    const stored = await sink.readRange('BRLBTC', range(0, 29));
    t.deepEqual(stored, [...records('BRLBTC', 0, 10, 1), ...records('BRLBTC', 10, 20, 2)]);
  });

  test(title('a record with only some fields keeps the other fields already stored for its day'), async (t) => {
    const sink = await options.create(t);
    const [first] = records('BRLBTC', 25, 1);
    await sink.upsert([first!]);
    await sink.upsert([{pair: 'BRLBTC', timestamp: first!.timestamp, mms_50: 42}]);
    t.deepEqual(await sink.readRange('BRLBTC', range(25, 25)), [{...first!, mms_50: 42}]);
  });

  test(title('a window without a value is stored as null: not 0, not a missing key'), async (t) => {
    const sink = await options.create(t);
    await sink.upsert(records('BRLBTC', 0, 3));
    for (const record of await sink.readRange('BRLBTC', range(0, 2))) {
      t.true('mms_20' in record && record.mms_20 === null);
      t.true('mms_50' in record && record.mms_50 === null);
    }
  });

  test(title('the newest stored timestamp is kept per pair'), async (t) => {
    const sink = await options.create(t);
    t.is(await sink.latestTimestamp('BRLBTC'), undefined);
    await sink.upsert([...records('BRLBTC', 0, 10), ...records('BRLETH', 0, 4)]);
    await sink.upsert(records('BRLBTC', 3, 2));
    t.is(await sink.latestTimestamp('BRLBTC'), T0 + 9 * DAY);
    t.is(await sink.latestTimestamp('BRLETH'), T0 + 3 * DAY);
    t.is(await sink.latestTimestamp('BRLXRP'), undefined);
  });

  test(title('the oldest stored timestamp (where the sink tells it) is kept per pair'), async (t) => {
    const sink = await options.create(t);
    if (!sink.earliestTimestamp) {
      t.pass('no earliestTimestamp: mms copy lists the timestamps instead');
      return;
    }
    t.is(await sink.earliestTimestamp('BRLBTC'), undefined);
    await sink.upsert([...records('BRLBTC', 5, 10), ...records('BRLETH', 2, 4)]);
    await sink.upsert(records('BRLBTC', 3, 1));
    t.is(await sink.earliestTimestamp('BRLBTC'), T0 + 3 * DAY);
    t.is(await sink.earliestTimestamp('BRLETH'), T0 + 2 * DAY);
    t.is(await sink.earliestTimestamp('BRLXRP'), undefined);
  });

  test(title('stored timestamps are listed per pair and range, ascending'), async (t) => {
    const sink = await options.create(t);
    const days = [0, 1, 2, 5, 6, 9];
    await sink.upsert(days.flatMap((d) => records('BRLBTC', d, 1)));
    await sink.upsert(records('BRLETH', 3, 1));
    t.deepEqual(
      await sink.listTimestamps('BRLBTC', range(1, 6)),
      [1, 2, 5, 6].map((d) => T0 + d * DAY),
    );
    t.deepEqual(await sink.listTimestamps('BRLBTC', range(7, 8)), []);
  });

  test(title('stored timestamps can be limited to records whose given fields all hold a value'), async (t) => {
    const sink = await options.create(t);
    await sink.upsert(records('BRLBTC', 15, 10));
    // mms_20 is null before day 19, mms_50 always null.
    t.deepEqual(
      await sink.listTimestamps('BRLBTC', range(0, 30), ['mms_20']),
      [19, 20, 21, 22, 23, 24].map((d) => T0 + d * DAY),
    );
    t.deepEqual(await sink.listTimestamps('BRLBTC', range(0, 30), ['mms_20', 'mms_50']), []);
    t.deepEqual(await sink.listTimestamps('BRLBTC', range(0, 30), ['no_such_field']), []);
  });

  test(title(`a batch of ${(options.largeBatch ?? 100_000).toLocaleString('en')} records is written and read back whole`), async (t) => {
    const sink = await options.create(t);
    const n = options.largeBatch ?? 100_000;
    await sink.upsert(records('BRLBTC', 0, n));
    const timestamps = await sink.listTimestamps('BRLBTC', range(0, n));
    t.is(timestamps.length, n);
    t.is(
      firstMismatch(timestamps, (ts, i) => ts === T0 + i * DAY),
      -1,
      'every day listed once, ascending',
    );
    t.is(await sink.latestTimestamp('BRLBTC'), T0 + (n - 1) * DAY);
    t.deepEqual(await sink.readRange('BRLBTC', range(n - 3, n - 1)), records('BRLBTC', n - 3, 3));
    // The whole range in one read: a database hands it over in many batches (cursor pages), none lost or reordered.
    const whole = await sink.readRange('BRLBTC', range(0, n - 1));
    t.is(whole.length, n);
    const expected = records('BRLBTC', 0, n);
    // Field by field rather than t.deepEqual, which is slow on 100,000 objects.
    t.is(
      firstMismatch(whole, (record, i) => sameRecord(record, expected[i]!)),
      -1,
      'every record read back as written, in order',
    );
  });

  if (options.reopen) {
    const reopen = options.reopen;
    test(title('two writers at once on one store lose nothing'), async (t) => {
      const sink = await options.create(t);
      const other = await reopen(t, sink);
      const a = records('BRLBTC', 0, 500, 1);
      const b = records('BRLETH', 0, 500, 2);
      await Promise.all([...chunks(a, 50).map((batch) => sink.upsert(batch)), ...chunks(b, 50).map((batch) => other.upsert(batch))]);
      t.deepEqual(await sink.readRange('BRLBTC', range(0, 499)), a);
      t.deepEqual(await other.readRange('BRLETH', range(0, 499)), b);
    });

    test(title('two writers upserting the same new records at once leave exactly one whole record per day, without error'), async (t) => {
      const sink = await options.create(t);
      const other = await reopen(t, sink);
      // Days never stored before, so both writers race to create each record.
      const a = records('BRLBTC', 0, 300, 1);
      const b = records('BRLBTC', 0, 300, 2);
      await t.notThrowsAsync(
        Promise.all(
          interleave(
            chunks(a, 25).map((batch) => () => sink.upsert(batch)),
            chunks(b, 25).map((batch) => () => other.upsert(batch)),
          ),
        ),
      );
      for (const reader of [sink, other]) {
        t.deepEqual(
          await reader.listTimestamps('BRLBTC', range(0, 299)),
          a.map((r) => r.timestamp),
          'one record per day',
        );
        const stored = await reader.readRange('BRLBTC', range(0, 299));
        t.is(stored.length, 300);
        // Each record is one writer's version, whole: never a mix of the two.
        t.is(
          firstMismatch(stored, (record, i) => sameRecord(record, a[i]!) || sameRecord(record, b[i]!)),
          -1,
          "each record is one writer's version",
        );
      }
    });

    test(title('two writers setting different fields of the same new days at once lose neither write'), async (t) => {
      const sink = await options.create(t);
      const other = await reopen(t, sink);
      const averages = records('BRLETH', 0, 300);
      const extra = averages.map(({pair, timestamp}, i) => ({pair, timestamp, mms_200: 1000 + i}));
      await Promise.all(
        interleave(
          chunks(averages, 25).map((batch) => () => sink.upsert(batch)),
          chunks(extra, 25).map((batch) => () => other.upsert(batch)),
        ),
      );
      const stored = await other.readRange('BRLETH', range(0, 299));
      t.is(stored.length, 300);
      t.is(
        firstMismatch(stored, (record, i) => sameRecord(record, {...averages[i]!, mms_200: 1000 + i})),
        -1,
        "every record has both writers' fields",
      );
    });
  }

  test(title('the raw candles it keeps (if any) read back exact, every digit of wide prices too, a restated one replacing the stored one'), async (t) => {
    const sink = await options.create(t);
    const store = sink.candleStore?.();
    if (!store) {
      t.pass('this sink keeps no candles');
      return;
    }
    const candle = (day: number, close: string) =>
      candleFromDecimals(T0 + day * DAY, {open: '191411.11707', high: '123456789013.00000001', low: '0.00000001', close, volume: `${day}.5`});
    const written = Array.from({length: 30}, (_, day) => candle(day, day % 2 === 0 ? `123456789012.${String(day).padStart(8, '0')}` : `${191_000 + day}.25`));
    await store.upsertCandles('BRLBTC', [...written].reverse());
    await store.upsertCandles('BRLETH', written.slice(0, 3));
    t.deepEqual(await store.readCandles('BRLBTC', range(5, 9)), written.slice(5, 10));
    const restated = candle(7, '191999.99999999');
    await store.upsertCandles('BRLBTC', [restated]);
    t.deepEqual(await store.readCandles('BRLBTC', range(0, 29)), [...written.slice(0, 7), restated, ...written.slice(8)]);
    t.deepEqual(await store.readCandles('BRLETH', range(0, 29)), written.slice(0, 3));
    t.deepEqual(await store.readCandles('BRLXRP', range(0, 29)), []);
  });

  test(title('the run state it keeps (if any) reads back as saved'), async (t) => {
    const sink = await options.create(t);
    const store = sink.stateStore?.();
    if (!store) {
      t.pass('no state store: mms keeps the state in a file beside the config');
      return;
    }
    t.deepEqual(await store.load(), EMPTY_LEDGER);
    const state: LedgerState = {
      version: 1,
      failures: [
        {
          pair: 'BRLBTC',
          resolution: '1d',
          from: T0,
          to: T0 + DAY,
          kind: 'transient',
          message: 'down',
          attempts: 2,
          firstFailedAt: 'a',
          lastTriedAt: 'b',
          status: 'pending',
        },
      ],
      holes: [{pair: 'BRLETH', resolution: '1d', from: T0, to: T0, seenAt: 'c'}],
    };
    await store.save(state, ['BRLBTC', 'BRLETH']);
    t.deepEqual(await store.load(), state);
    // A run saves only the pairs it holds: another pair's entries stay as stored.
    await store.save(EMPTY_LEDGER, ['BRLBTC']);
    t.deepEqual(await store.load(), {...state, failures: []});
    await store.save(EMPTY_LEDGER, ['BRLETH']);
    t.deepEqual(await store.load(), EMPTY_LEDGER);
    // Restatements (optional in a store: mms gaps reports them where kept) read back per pair, or not at all.
    const restated: LedgerState = {
      ...EMPTY_LEDGER,
      restated: [
        {pair: 'BRLBTC', resolution: '1d', at: T0, closeBefore: '123456789012.12345678', closeAfter: '123456789013', seenAt: 'd'},
        {pair: 'BRLETH', resolution: '1d', at: T0 + DAY, closeBefore: '1.5', closeAfter: '1.25', seenAt: 'e'},
      ],
    };
    await store.save(restated, ['BRLBTC', 'BRLETH']);
    const loaded = await store.load();
    if (loaded.restated !== undefined) {
      t.deepEqual(loaded, restated);
      await store.save(EMPTY_LEDGER, ['BRLBTC']);
      t.deepEqual((await store.load()).restated, restated.restated!.slice(1));
    }
  });

  test(title('the run history it keeps (if any): a start, then its end, newest first, the oldest dropped past RUNS_KEPT'), async (t) => {
    const sink = await options.create(t);
    const store = sink.stateStore?.();
    if (!store?.recordRun || !store.runs) {
      t.pass('no run history');
      return;
    }
    const run = (i: number): RunRecord => ({
      id: `run-${String(i).padStart(5, '0')}`,
      command: 'ingest',
      args: ['--pairs', 'BRLBTC'],
      pairs: ['BRLBTC'],
      host: 'h',
      pid: i,
      startedAt: new Date(Date.UTC(2022, 0, 1) + i * 1000).toISOString(),
    });
    const started = run(1);
    await store.recordRun(started);
    t.deepEqual(await store.runs(10), [started]);
    const ended: RunRecord = {
      ...started,
      endedAt: '2022-01-01T00:01:00.000Z',
      outcome: 'partial',
      exitCode: 3,
      written: 12,
      requests: 4,
      error: 'BRLETH: down',
    };
    await store.recordRun(ended);
    await store.recordRun(run(2));
    t.deepEqual(await store.runs(10), [run(2), ended]);
    t.deepEqual(await store.runs(1), [run(2)]);
    // The ledger and the history live side by side: saving one leaves the other.
    await store.save(EMPTY_LEDGER, ['BRLBTC']);
    t.deepEqual(await store.runs(10), [run(2), ended]);
    t.deepEqual(await store.load(), EMPTY_LEDGER);
    for (let i = 3; i <= RUNS_KEPT + 2; i++) await store.recordRun(run(i));
    const kept = await store.runs(RUNS_KEPT + 10);
    t.is(kept.length, RUNS_KEPT);
    t.is(kept[0]!.id, run(RUNS_KEPT + 2).id);
    t.is(kept.at(-1)!.id, run(3).id, 'the two oldest were dropped');
  });

  test(title('its lock (if any) admits one run per pair, all or none, and can be taken again once released'), async (t) => {
    const sink = await options.create(t);
    if (!sink.lock) {
      t.pass('no lock: mms locks per-pair files beside its state file instead');
      return;
    }
    const owner: LockOwner = {pid: process.pid, host: 'conformance', command: 'mms ingest', startedAt: new Date().toISOString()};
    const refused = async (pairs: string[]) => {
      const error = await t.throwsAsync(sink.lock!({...owner, command: 'mms retry'}, pairs));
      t.true(isMmsError(error) && error.code === 'MMS_LOCKED', `refused with ${error?.message}`);
    };
    const lock = await sink.lock(owner, ['BRLETH']);
    await refused(['BRLETH']);
    // BRLBTC comes first and is free: refused on BRLETH, the run must not keep BRLBTC locked.
    await refused(['BRLBTC', 'BRLETH']);
    if (options.locksWholeStore) await refused(['BRLBTC']);
    else await (await sink.lock(owner, ['BRLBTC'])).release();
    t.true(await lock.held(), 'held() while held');
    await lock.release();
    t.false(await lock.held(), 'not held() once released');
    const again = await sink.lock(owner, ['BRLBTC', 'BRLETH']);
    t.true(await again.held());
    await again.release();
  });
}

/** Starts the writes of two writers alternately, so their batches are in flight together. */
function interleave(first: ReadonlyArray<() => Promise<void>>, second: ReadonlyArray<() => Promise<void>>): Array<Promise<void>> {
  const started: Array<Promise<void>> = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    if (first[i]) started.push(first[i]!());
    if (second[i]) started.push(second[i]!());
  }
  return started;
}

/** The index of the first item failing `ok`, or -1. */
function firstMismatch<T>(items: readonly T[], ok: (item: T, index: number) => boolean): number {
  return items.findIndex((item, i) => !ok(item, i));
}

/** Same keys and the same values (records are flat: numbers, strings, nulls). */
function sameRecord(actual: MmsRecord, expected: MmsRecord): boolean {
  const keys = Object.keys(expected);
  return Object.keys(actual).length === keys.length && keys.every((key) => Object.is(actual[key], expected[key]));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({length: Math.ceil(items.length / size)}, (_, i) => items.slice(i * size, (i + 1) * size));
}
