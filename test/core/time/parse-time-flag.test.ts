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
  t.throws(() => parseTimeFlag('to', '1650931200000'), {
    instanceOf: UsageError,
    message: /--to: 1650931200000 looks like milliseconds; pass Unix seconds \(1650931200\)/,
  });
  t.throws(() => parseTimeFlag('from', '2022-02-30'), {instanceOf: UsageError, message: /--from: "2022-02-30" is not a calendar date/});
  t.throws(() => parseTimeFlag('from', 'yesterday'), {instanceOf: UsageError, message: /--from: expected YYYY-MM-DD/});
});

test('the last complete daily bar is 00:00 UTC yesterday, at any hour of today', (t) => {
  const yesterday = Date.parse('2022-04-26T00:00:00Z') / 1000;
  t.is(lastCompleteBar(Date.parse('2022-04-27T00:00:00Z'), 86_400), yesterday);
  t.is(lastCompleteBar(Date.parse('2022-04-27T23:59:59.999Z'), 86_400), yesterday);
  t.is(lastCompleteBar(Date.parse('2022-04-27T10:30:00Z'), 3600), Date.parse('2022-04-27T09:00:00Z') / 1000);
});

// `npm test` runs the suite with TZ=America/Sao_Paulo, so a local-time
// slip anywhere fails somewhere.
test('MMS_NOW without an offset is UTC even where local time is not, and a non-ISO one is an error', (t) => {
  if (new Date(2022, 3, 27, 3).getTime() === Date.UTC(2022, 3, 27, 3))
    t.log('local time is UTC here: run through `npm test` (TZ=America/Sao_Paulo) for this test to mean something');
  t.is(parseNow('2022-04-27T03:00:00'), Date.UTC(2022, 3, 27, 3));
  t.is(parseNow('2022-04-27T03:00'), Date.UTC(2022, 3, 27, 3));
  t.is(parseNow('2022-04-27'), Date.UTC(2022, 3, 27));
  t.is(parseNow('2022-04-27T03:00:00-03:00'), Date.UTC(2022, 3, 27, 6));
  t.is(parseNow('2022-04-27T03:00:00.250Z'), Date.UTC(2022, 3, 27, 3, 0, 0, 250));
  for (const bad of ['soon', '2022-04-27 22:00', 'Apr 27 2022 22:00', '1651017600']) {
    t.throws(() => parseNow(bad), {message: /MMS_NOW: expected an ISO 8601 instant/}, bad);
  }
});
