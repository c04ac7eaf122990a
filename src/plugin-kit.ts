// mms/plugin-kit: the helpers a sink or an alarm needs to behave as the bundled ones do, beside the contracts
// of `mms`. It is a semver contract like `mms`: test/examples/public-api.test.ts pins these names.

// Files. writeFileAtomic(path, text) replaces a file so that a reader, a crash or kill -9 sees the old file or
// the new one, never half of each (temporary sibling, fsync, rename, fsync of the directory), and keeps its
// permissions. makeDirectory(dir) is `mkdir -p` whose error names what is in the way (a file, a link to
// nothing) where Node says only EEXIST or ENOTDIR.
export {makeDirectory, writeFileAtomic} from './core/fs/write-file-atomic.js';

// A store in files. Without `stateStore()` and `lock()` mms keeps the state in mms.state.json beside the config
// and locks per-pair files there; a file sink keeps both beside its data instead. acquireFileLock(path, owner,
// what) takes a lock file that names its holder: refused with exit 5 while held, taken over from a run that
// died on this host or stopped its heartbeat. FileStateStore(path) is the run state as one JSON file, replaced
// atomically, that runs of disjoint pairs may share.
export {acquireFileLock} from './core/state/file-lock.js';
export {FileStateStore} from './core/state/file-state-store.js';

// A lock kept in a store of its own (rows of a table, documents of a collection), by the rules every lock of
// mms shares, so a refusal reads the same whatever the store. acquireAll takes one lock per pair, all or none,
// in a stable order. A holder beats every LOCK_HEARTBEAT_MS; lockIsStale(holder, silentForMs) says whether its
// lock may be taken over, by the limit the core names when a run finds its lock lost. parseHolder(schema,
// value) reads a stored lock with the store's own schema (any synchronous Standard Schema) and says what is
// wrong with one of another shape. lockedError and unreadableLockError are the refusals (exit 5): one names
// the holder, the other a lock naming no holder mms can read, and how to clear it.
export {acquireAll} from './core/state/acquire-all.js';
export {lockedError, unreadableLockError} from './core/state/file-lock.js';
export {LOCK_HEARTBEAT_MS, lockIsStale, parseHolder} from './core/state/lock-holder.js';

// Reading records back. unwrittenValue(field, value) says what is wrong with a value mms could not have written
// (a close of 0, an average that is a string), or undefined: a store a person can edit refuses such a record,
// naming it, rather than serve it.
export {unwrittenValue} from './core/unwritten-value.js';
// A sink's CandleStore: storedValue(candle, key) is what to keep of a value (the number, or the decimal text a
// float64 cannot hold), candleFromStored(timestamp, values) the candle again, and unwrittenCandle(timestamp,
// values, step) what is wrong with a stored candle mms could not have written (a value that is no decimal, a
// price of 0, a day off the grid).
export {candleFromStored, storedValue, unwrittenCandle} from './core/stored-candle.js';
