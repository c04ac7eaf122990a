import test from 'ava';
import {planIngest} from '../../../src/core/pipeline/plan-ingest.js';
import {UsageError} from '../../../src/core/errors/usage-error.js';

const DAY = 86_400;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const yesterday = day('2022-04-26');
const base = {pair: 'BRLBTC', step: DAY, lookback: 200, lastComplete: yesterday, initialBars: 365};

test('planIngest loads the last 365 days, ending yesterday, into an empty store and fetches 199 days more for mms_200', (t) => {
  const w = planIngest({...base, latestStored: undefined});
  t.is(w.to, yesterday);
  t.is((w.to - w.from) / DAY + 1, 365);
  t.is((w.to - w.fetchFrom) / DAY + 1, 365 + 199);
  t.false(w.upToDate);
});

test('planIngest resumes the day after the newest stored record', (t) => {
  const w = planIngest({...base, latestStored: day('2022-04-20')});
  t.is(w.from, day('2022-04-21'));
  t.is(w.to, yesterday);
  t.is(w.fetchFrom, day('2022-04-21') - 199 * DAY);
});

test('planIngest has nothing to do when yesterday is already stored', (t) => {
  t.true(planIngest({...base, latestStored: yesterday}).upToDate);
});

test('planIngest backfills exactly --from..--to, ignoring the watermark', (t) => {
  const w = planIngest({...base, latestStored: yesterday, from: day('2021-01-01'), to: day('2021-01-31')});
  t.is(w.from, day('2021-01-01'));
  t.is(w.to, day('2021-01-31'));
  t.false(w.upToDate);
});

test('planIngest with only --from runs up to yesterday', (t) => {
  t.is(planIngest({...base, latestStored: undefined, from: day('2022-01-01')}).to, yesterday);
});

test('planIngest rejects a --to that is today or later: that day is not complete', (t) => {
  const error = t.throws(() => planIngest({...base, latestStored: undefined, from: day('2022-04-01'), to: day('2022-04-27')}), {instanceOf: UsageError});
  t.regex(error.message, /--to 2022-04-27 is not complete yet; the newest complete bar is 2022-04-26/);
});

test('planIngest rejects --from after --to and --to without --from', (t) => {
  t.throws(() => planIngest({...base, latestStored: undefined, from: day('2022-02-01'), to: day('2022-01-01')}), {
    instanceOf: UsageError,
    message: /--from 2022-02-01 is after --to 2022-01-01/,
  });
  t.throws(() => planIngest({...base, latestStored: undefined, to: day('2022-01-01')}), {instanceOf: UsageError, message: /--to needs --from/});
});

test('planIngest aligns Unix-second bounds inside a day to whole days', (t) => {
  const w = planIngest({...base, latestStored: undefined, from: day('2022-01-01') + 3600, to: day('2022-01-10') + 3600});
  t.is(w.from, day('2022-01-02'));
  t.is(w.to, day('2022-01-10'));
});
