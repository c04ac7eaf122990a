import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** A command-line flag or argument is invalid. */
export class UsageError extends MmsError {
  readonly code = 'MMS_USAGE';
  override readonly exitCode = EXIT_CODES.usage;
  override readonly name = 'UsageError';
}
