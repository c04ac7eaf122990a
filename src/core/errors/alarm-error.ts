import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** An alarm could not be raised (a webhook that fails or hangs, an unwritable report file). */
export class AlarmError extends MmsError {
  readonly code = 'MMS_ALARM';
  override readonly exitCode = EXIT_CODES.alarmFailed;
  override readonly name = 'AlarmError';
}
