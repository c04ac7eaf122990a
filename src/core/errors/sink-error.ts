import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** The store could not be read or written; nothing was lost, and the message says what to fix. */
export class SinkError extends MmsError {
  readonly code = 'MMS_SINK';
  override readonly exitCode = EXIT_CODES.sink;
  override readonly name = 'SinkError';
}
