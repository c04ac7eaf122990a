import {MmsError} from '../core/errors/mms-error.js';

/** The chart page's files are missing from the installation (a broken install or package): `mms serve` cannot start. */
export class PageAssetsError extends MmsError {
  readonly code = 'MMS_PAGE_ASSETS';
  override readonly name = 'PageAssetsError';
}
