import type {IngestProgress} from '../core/pipeline/ingest-service.js';
import {formatUtc} from '../core/time/format-utc.js';

/** Where progress goes and what decides whether it shows; process.stderr and process.env unless a test says otherwise. */
export interface ProgressTarget {
  readonly stream?: Pick<NodeJS.WriteStream, 'write'> & {readonly isTTY?: boolean};
  readonly env?: NodeJS.ProcessEnv;
}

/** A one-line progress indicator on an interactive terminal; nothing in CI, pipes or with --json. */
export function progressReporter(
  json: boolean,
  {stream = process.stderr, env = process.env}: ProgressTarget = {},
): ((event: IngestProgress) => void) | undefined {
  if (!stream.isTTY || env.CI === 'true' || json) return undefined;
  return (event) => {
    const share = (event.fetchedUpTo - event.fetchFrom) / Math.max(1, event.to - event.fetchFrom);
    stream.write(`\r\u001B[K${event.pair}: fetched up to ${formatUtc(event.fetchedUpTo)} (${Math.round(share * 100)}%)`);
    if (event.fetchedUpTo >= event.to) stream.write('\r\u001B[K');
  };
}
