import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** Another mms run holds the store's lock; this one refuses to run rather than interleave writes. */
export class LockedError extends MmsError {
  readonly code = 'MMS_LOCKED';
  override readonly exitCode = EXIT_CODES.locked;
  override readonly name = 'LockedError';
}
