import {ConfigError} from '../errors/config-error.js';

/** ISO 8601 / RFC 3339: a date, or a date and time with an optional offset. Nothing locale-dependent. */
const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * `MMS_NOW` → epoch milliseconds. Only ISO 8601 is accepted, and a date or date-time without an offset is
 * UTC — never the machine's local time — so a run is the same on every machine.
 */
export function parseNow(value: string): number {
  const match = ISO.exec(value.trim());
  const ms = match ? Date.parse(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}`) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ConfigError(`MMS_NOW: expected an ISO 8601 instant such as 2022-04-27T12:00:00Z (UTC when no offset is given), got "${value}".`);
  }
  return ms;
}
