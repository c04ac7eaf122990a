import {MongoNetworkError, MongoServerError, MongoServerSelectionError} from 'mongodb';
import {isMmsError, type MmsError, redactCredentials, redactUrl, SinkError} from '../../src/index.js';

/** One clear, credential-free message for what went wrong talking to MongoDB, and what to do. */
export function describeMongoError(error: unknown, url: string, action: string): MmsError {
  const where = redactUrl(url);
  const reason = redactCredentials(error instanceof Error ? error.message : String(error));
  if (isMmsError(error)) return error;
  if (error instanceof MongoServerSelectionError) {
    return new SinkError(`mongodb: cannot reach ${where} to ${action} (${reason}). Start MongoDB, or fix sink.url (MMS_MONGODB_URL).`, {cause: error});
  }
  if (error instanceof MongoServerError && (error.code === 18 || error.codeName === 'AuthenticationFailed')) {
    return new SinkError(`mongodb: authentication failed at ${where}; check the user, password and authSource in sink.url (MMS_MONGODB_URL).`, {cause: error});
  }
  if (error instanceof MongoServerError && error.code === 13) {
    return new SinkError(`mongodb: not allowed to ${action} at ${where} (${reason}); the user needs readWrite on the database.`, {cause: error});
  }
  // A dropped connection during bulkWrite surfaces as a MongoBulkWriteError labelled ResetPool.
  if (error instanceof MongoNetworkError || (error as {hasErrorLabel?: (l: string) => boolean}).hasErrorLabel?.('ResetPool')) {
    return new SinkError(`mongodb: lost the connection to ${where} while trying to ${action} (${reason}); nothing partial is kept as done, run again.`, {
      cause: error,
    });
  }
  return new SinkError(`mongodb: could not ${action} at ${where} (${reason}).`, {cause: error});
}
