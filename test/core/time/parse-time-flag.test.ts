import test from 'ava';
import {UsageError} from '../../../src/core/errors/usage-error.js';
import {lastCompleteBar} from '../../../src/core/time/last-complete-bar.js';
import {parseNow} from '../../../src/core/time/parse-now.js';
import {parseTimeFlag} from '../../../src/core/time/parse-time-flag.js';

test('parseTimeFlag reads YYYY-MM-DD as 00:00 UTC and integers as Unix seconds', (t) => {
  t.is(parseTimeFlag('from', '2022-04-26'), 1_650_931_200);
  t.is(parseTimeFlag('from', '1650931200'), 1_650_931_200);
});

test('parseTimeFlag rejects milliseconds, impossible dates and other text, naming the flag', (t) => {
  t.throws(() => parseTimeFlag('to', '1650931200000'), {instanceOf: UsageError, message: /--to: 1650931200000 looks like milliseconds; pass Unix seconds \(1650931200\)/});
  t.throws(() => parseTimeFlag('from', '2022-02-30'), {instanceOf: UsageError, message: /--from: "2022-02-30" is not a calendar date/});
  t.throws(() => parseTimeFlag('from', 'yesterday'), {instanceOf: UsageError, message: /--from: expected YYYY-MM-DD/});
});

test('the last complete daily bar is 00:00 UTC yesterday, at any hour of today', (t) => {
  const yesterday = Date.parse('2022-04-26T00:00:00Z') / 1000;
  t.is(lastCompleteBar(Date.parse('2022-04-27T00:00:00Z'), 86_400), yesterday);
  t.is(lastCompleteBar(Date.parse('2022-04-27T23:59:59.999Z'), 86_400), yesterday);
  t.is(lastCompleteBar(Date.parse('2022-04-27T10:30:00Z'), 3600), Date.parse('2022-04-27T09:00:00Z') / 1000);
});

test('MMS_NOW without an offset is UTC, and an unparsable one is an error', (t) => {
  t.is(parseNow('2022-04-27T03:00:00'), Date.parse('2022-04-27T03:00:00Z'));
  t.is(parseNow('2022-04-27T03:00:00-03:00'), Date.parse('2022-04-27T06:00:00Z'));
  t.throws(() => parseNow('soon'), {message: /MMS_NOW: expected an ISO 8601 date/});
});
