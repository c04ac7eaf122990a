import {EXIT_CODES} from './exit-codes.js';
import {MmsError} from './mms-error.js';

/** The configuration (file or flags) is invalid. The message names the file, the key path and the fix. */
export class ConfigError extends MmsError {
  readonly code = 'MMS_CONFIG';
  override readonly exitCode = EXIT_CODES.usage;
  override readonly name = 'ConfigError';
}
