import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** The run was stopped by SIGINT or SIGTERM; what was written stays, the next run resumes after it. */
export class InterruptedError extends MmsError {
  readonly code = 'MMS_INTERRUPTED';
  override readonly exitCode = EXIT_CODES.interrupted;
  override readonly name = 'InterruptedError';
}
