import type {IngestProgress} from '../core/pipeline/ingest-service.js';
import {formatUtc} from '../core/time/format-utc.js';

/** A one-line progress indicator on an interactive terminal; nothing in CI, pipes or with --json. */
export function progressReporter(json: boolean): ((event: IngestProgress) => void) | undefined {
  if (!process.stderr.isTTY || process.env.CI === 'true' || json) return undefined;
  return (event) => {
    const share = (event.fetchedUpTo - event.fetchFrom) / Math.max(1, event.to - event.fetchFrom);
    process.stderr.write(`\r\u001B[K${event.pair}: fetched up to ${formatUtc(event.fetchedUpTo)} (${Math.round(share * 100)}%)`);
    if (event.fetchedUpTo >= event.to) process.stderr.write('\r\u001B[K');
  };
}
