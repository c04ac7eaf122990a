import {redactCredentials} from '../redact-url.js';
import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/**
 * Why a window could not be fetched: `transient` (network, timeout, 408/429/5xx — retrying later may work),
 * `permanent` (the request itself is wrong, e.g. an invalid symbol), `blocked` (an HTML page such as a
 * Cloudflare challenge instead of the API), `invalid-response` (the API answered, but not with valid candles),
 * `no-data` (the API answered, but with no candle at all for the window: not published yet, or not listed).
 */
export type SourceErrorKind = 'transient' | 'permanent' | 'blocked' | 'invalid-response' | 'no-data';

export interface SourceErrorDetails {
  readonly kind: SourceErrorKind;
  readonly pair: string;
  readonly from: number;
  readonly to: number;
  readonly status?: number;
  /**
   * What went wrong, without the pair and window the message starts with: the pipeline names the window it
   * queues in their place. Default: the whole message.
   */
  readonly reason?: string;
  /** HTTP attempts sent for the window, every retry included; 0 when left out (no request was sent for it). */
  readonly requests?: number;
  readonly cause?: unknown;
}

/** True for a SourceError from any copy of mms (a plugin may bundle its own). */
export function isSourceError(error: unknown): error is SourceError {
  return (
    error instanceof SourceError ||
    (error instanceof Error && (error as Partial<SourceError>).code === 'MMS_SOURCE' && typeof (error as Partial<SourceError>).pair === 'string')
  );
}

export class SourceError extends MmsError {
  readonly code = 'MMS_SOURCE';
  override readonly exitCode = EXIT_CODES.partial;
  override readonly name = 'SourceError';
  readonly kind: SourceErrorKind;
  readonly pair: string;
  readonly from: number;
  readonly to: number;
  readonly status: number | undefined;
  /** What went wrong, without naming the pair or window (see SourceErrorDetails). */
  readonly reason: string;
  /**
   * HTTP attempts sent for the failed window, every retry included, which no page reported since none
   * was yielded: the pipeline adds them to the pair's `requests`.
   */
  readonly requests: number;

  constructor(message: string, details: SourceErrorDetails) {
    super(redactCredentials(message), {cause: details.cause});
    this.kind = details.kind;
    this.pair = details.pair;
    this.from = details.from;
    this.to = details.to;
    this.status = details.status;
    this.reason = redactCredentials(details.reason ?? message);
    this.requests = details.requests ?? 0;
  }
}
