import {ConfigError} from '../errors/config-error.js';

/** ISO 8601 / RFC 3339: a date, or a date and time with an optional offset. Nothing locale-dependent. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?$/;
const EXAMPLE = 'an ISO 8601 instant such as 2022-04-27T12:00:00Z (UTC when no offset is given)';

/**
 * `MMS_NOW` → epoch milliseconds. Only ISO 8601 is accepted, and a date or date-time without an offset is
 * UTC — never the machine's local time — so a run is the same on every machine.
 */
export function parseNow(value: string): number {
  const match = ISO.exec(value.trim());
  if (!match) throw new ConfigError(`MMS_NOW: expected ${EXAMPLE}, got "${value}".`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone, sign, offsetHours = '0', offsetMinutes = '0'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  // Date.UTC, like Date.parse, rolls impossible fields over (2022-02-30 is 2022-03-02, 24:00 the next day),
  // so a typo would silently become another "now": read the fields back and refuse any that moved.
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  const real =
    [back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate(), back.getUTCHours(), back.getUTCMinutes(), back.getUTCSeconds()].every(
      (field, i) => field === fields[i],
    ) &&
    Number(offsetHours) <= 23 &&
    Number(offsetMinutes) <= 59;
  if (!real) throw new ConfigError(`MMS_NOW: "${value}" is not a real date and time; expected ${EXAMPLE}.`);
  // The clock counts milliseconds: further fraction digits are dropped, not rounded into the next one.
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const offset = zone === undefined || zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return utc + millis - offset;
}
