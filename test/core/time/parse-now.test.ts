import test from 'ava';
import {systemClock} from '../../../src/clock/system-clock.js';
import {ConfigError} from '../../../src/core/errors/config-error.js';
import {parseNow} from '../../../src/core/time/parse-now.js';

test('MMS_NOW with a day, hour, minute, second or offset that does not exist is refused, not rolled over', (t) => {
  // Each of these Date.parse turns into a different, real instant (2022-02-30 → 2022-03-02, 24:00 → the next day).
  for (const impossible of [
    '2022-02-30',
    '2021-02-29T12:00:00Z',
    '2022-04-31T00:00',
    '2022-13-01T00:00:00Z',
    '2022-00-10',
    '2022-04-27T24:00:00Z',
    '2022-04-27T23:60',
    '2022-04-27T23:59:60Z',
    '2022-04-27T12:00:00+24:00',
    '2022-04-27T12:00:00-03:60',
  ]) {
    const error = t.throws(() => parseNow(impossible), {instanceOf: ConfigError}, impossible);
    t.is(
      error.message,
      `MMS_NOW: "${impossible}" is not a real date and time; expected an ISO 8601 instant such as 2022-04-27T12:00:00Z (UTC when no offset is given).`,
    );
    t.is(error.exitCode, 2);
  }
});

test('MMS_NOW accepts the edges of real dates and keeps milliseconds and offsets exact', (t) => {
  t.is(parseNow('2024-02-29'), Date.UTC(2024, 1, 29), 'a leap day');
  t.is(parseNow('2022-12-31T23:59:59.999Z'), Date.UTC(2022, 11, 31, 23, 59, 59, 999));
  t.is(parseNow('2022-04-27T00:00:00.123456789Z'), Date.UTC(2022, 3, 27, 0, 0, 0, 123), 'digits below the millisecond are dropped');
  t.is(parseNow('2022-04-27T00:30+05:45'), Date.UTC(2022, 3, 26, 18, 45));
  t.is(parseNow('2022-04-27T21:00:00-03:00'), Date.UTC(2022, 3, 28, 0, 0));
  t.is(parseNow(' 2022-04-27T12:00:00Z\n'), Date.UTC(2022, 3, 27, 12), 'surrounding whitespace (a .env file) is ignored');
});

test('the clock refuses an impossible MMS_NOW before any command uses it', (t) => {
  t.throws(() => systemClock({MMS_NOW: '2022-02-30'}), {instanceOf: ConfigError, message: /^MMS_NOW: "2022-02-30" is not a real date and time/});
  t.is(systemClock({MMS_NOW: '2022-03-02'}).now(), Date.UTC(2022, 2, 2));
});
