import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/**
 * Why a window could not be fetched: `transient` (network, timeout, 408/429/5xx — retrying later may work),
 * `permanent` (the request itself is wrong, e.g. an invalid symbol), `blocked` (an HTML page such as a
 * Cloudflare challenge instead of the API), `invalid-response` (the API answered, but not with valid candles).
 */
export type SourceErrorKind = 'transient' | 'permanent' | 'blocked' | 'invalid-response';

export interface SourceErrorDetails {
  readonly kind: SourceErrorKind;
  readonly pair: string;
  readonly from: number;
  readonly to: number;
  readonly status?: number;
  readonly cause?: unknown;
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

  constructor(message: string, details: SourceErrorDetails) {
    super(message, {cause: details.cause});
    this.kind = details.kind;
    this.pair = details.pair;
    this.from = details.from;
    this.to = details.to;
    this.status = details.status;
  }
}
