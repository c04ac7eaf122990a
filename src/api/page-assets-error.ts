import {EXIT_CODES} from '../core/errors/exit-codes.js';
import {MmsError} from '../core/errors/mms-error.js';

/**
 * The chart page's files are missing from the installation (a broken install or package): `mms serve`
 * refuses to start, before it opens the store. Not a bug in mms but a setup to fix (reinstall), like a bad
 * config: exit 2, one line naming the file.
 */
export class PageAssetsError extends MmsError {
  readonly code = 'MMS_PAGE_ASSETS';
  override readonly exitCode = EXIT_CODES.usage;
  override readonly name = 'PageAssetsError';
}
