import {EXIT_CODES, type ExitCode} from './exit-codes.js';

/**
 * Base of every error a user can act on: a stable `code`, the process exit code it maps to, and a message
 * that names what is wrong and what to do. Anything that is not an MmsError is a bug and exits 1.
 */
export abstract class MmsError extends Error {
  abstract readonly code: string;
  readonly exitCode: ExitCode = EXIT_CODES.internal;
}

export function isMmsError(error: unknown): error is MmsError {
  // `name` check keeps this true across duplicate copies of the package (a plugin bundling its own mms).
  return (
    error instanceof MmsError ||
    (error instanceof Error && typeof (error as Partial<MmsError>).code === 'string' && typeof (error as Partial<MmsError>).exitCode === 'number')
  );
}
