import {ConfigError} from '../errors/config-error.js';

const WITHOUT_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * `MMS_NOW` (ISO 8601) → epoch milliseconds. A date-time without an offset is read as UTC, not local
 * time, so a run is reproducible on any machine; a value Date cannot parse is an error, not "now".
 */
export function parseNow(value: string): number {
  const ms = Date.parse(WITHOUT_OFFSET.test(value) ? `${value}Z` : value);
  if (!Number.isFinite(ms)) {
    throw new ConfigError(`MMS_NOW: expected an ISO 8601 date such as 2022-04-27T12:00:00Z, got "${value}".`);
  }
  return ms;
}
