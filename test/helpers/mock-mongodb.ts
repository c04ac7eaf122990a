import type {ExecutionContext} from 'ava';
import {createRequire} from 'node:module';
import {Long, ObjectId} from 'mongodb';
import mock from 'mongodb-mock-server';

type Doc = Record<string, unknown>;

// Sized with the mock server's own bson (4.x): the documents it decoded hold that version's ObjectIds and
// Dates, which the driver's bson refuses to measure.
const mockBson = createRequire(createRequire(import.meta.url).resolve('mongodb-mock-server'))('bson') as {calculateObjectSize(document: Doc): number};

/** What a test may do to one command: answer it itself (an error, say), or drop the connection. */
export type Intercept = (command: string, document: Doc) => Doc | 'drop' | undefined;

export interface MockMongodb {
  /** Connection string for the mock; with credentials if asked, which the mock ignores. */
  readonly url: string;
  /** Every command the driver sent (handshakes and monitoring left out), in order. */
  readonly commands: Doc[];
  /** The stored documents of `database.collection`. */
  documents(database: string, collection: string): Doc[];
  /** Stores documents directly, as if written earlier (a large store without the write traffic). */
  seed(database: string, collection: string, documents: readonly Doc[]): void;
  intercept(handler: Intercept | undefined): void;
}

const MONITORING = new Set(['ismaster', 'isMaster', 'hello', 'endSessions', 'ping', 'buildInfo']);

/** A server's first batch without `batchSize`: 101 documents. */
const DEFAULT_FIRST_BATCH = 101;
/** A reply holds at most 16 MiB of documents (the server's maxBsonObjectSize), whatever the batchSize. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** What the mock keeps of an open cursor between getMores. */
interface OpenCursor {
  readonly ns: string;
  readonly remaining: Doc[];
}

/**
 * A MongoDB server at the wire level for tests: mongodb-mock-server (from the driver's maintainers) speaks
 * the protocol; this handler answers the few commands the mongodb sink sends — createIndexes, update
 * (upserts, $set, multi), insert, delete, find (equality, $gte/$lte, $ne and $in filters,
 * projection, skip, limit; sorts on several keys, numbers and strings), countDocuments' aggregate, getMore, killCursors — from in-memory collections, enforcing the unique
 * {pair, timestamp} index and unique _id. Results come in batches as a server sends them: the first of
 * `batchSize` (default 101) documents, the rest by getMore (`batchSize` each, or all that fit), every reply
 * within `maxBatchBytes` (16 MiB) — so a read longer than one batch crosses the wire in several. Any other
 * command fails loudly, so a change in what the sink sends cannot pass unnoticed.
 */
export async function startMockMongodb(t: ExecutionContext, options: {credentials?: string; maxBatchBytes?: number} = {}): Promise<MockMongodb> {
  const server = await mock.createServer(0, '127.0.0.1');
  t.teardown(() => server.destroy());
  const collections = new Map<string, Map<string, Doc>>();
  const commands: Doc[] = [];
  const cursors: Cursors = {open: new Map(), next: 1, maxBatchBytes: options.maxBatchBytes ?? MAX_BATCH_BYTES};
  let interceptor: Intercept | undefined;

  server.setMessageHandler((request) => {
    const document = request.document;
    const command = Object.keys(document)[0]!;
    if (command === 'ismaster' || command === 'isMaster' || command === 'hello') {
      // The driver requires wire version ≥ 9; `__nodejs_mock_server__` (in DEFAULT_ISMASTER) keeps it on OP_QUERY.
      request.reply({...mock.DEFAULT_ISMASTER, maxWireVersion: 21, isWritablePrimary: true, helloOk: true});
      return;
    }
    if (!MONITORING.has(command)) commands.push(document);
    const intercepted = interceptor?.(command, document);
    if (intercepted === 'drop') return request.connection.destroy();
    if (intercepted) return request.reply(intercepted);
    request.reply(execute(collections, cursors, request.response.ns.split('.')[0]!, command, document));
  });

  const auth = options.credentials ? `${options.credentials}@` : '';
  return {
    url: `mongodb://${auth}127.0.0.1:${server.port}/?directConnection=true`,
    commands,
    documents: (database, collection) => [...(collections.get(`${database}.${collection}`)?.values() ?? [])],
    seed: (database, collection, documents) => {
      const key = `${database}.${collection}`;
      if (!collections.has(key)) collections.set(key, new Map());
      const result = insert(collections.get(key)!, [...documents]);
      if (result.writeErrors) throw new Error(`mock: seeding ${key} hit a duplicate key`);
    },
    intercept: (handler) => {
      interceptor = handler;
    },
  };
}

interface Cursors {
  readonly open: Map<string, OpenCursor>;
  next: number;
  readonly maxBatchBytes: number;
}

function execute(collections: Map<string, Map<string, Doc>>, cursors: Cursors, database: string, command: string, document: Doc): Doc {
  // Cursor commands name the collection in `collection` / by cursor id, not as the command's value.
  if (command === 'getMore') return getMore(cursors, database, document);
  if (command === 'killCursors') {
    const ids = (document.cursors as unknown[]).map(String);
    for (const id of ids) cursors.open.delete(id);
    return {ok: 1, cursorsKilled: document.cursors, cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: []};
  }
  const name = String(document[command]);
  const key = `${database}.${name}`;
  if (!collections.has(key)) collections.set(key, new Map());
  const docs = collections.get(key)!;
  switch (command) {
    case 'createIndexes':
      return {ok: 1, numIndexesBefore: 1, numIndexesAfter: 2};
    case 'insert':
      return insert(docs, list(document.documents));
    case 'update':
      return update(docs, list(document.updates) as Array<{q: Doc; u: Doc; upsert?: boolean}>);
    case 'delete': {
      let n = 0;
      for (const {q, limit} of list(document.deletes) as Array<{q: Doc; limit: number}>) {
        for (const [id, doc] of docs) {
          if (!matches(doc, q)) continue;
          docs.delete(id);
          n++;
          if (limit === 1) break;
        }
      }
      return {ok: 1, n};
    }
    case 'find': {
      const found = find(docs, document);
      const size = typeof document.batchSize === 'number' ? document.batchSize : DEFAULT_FIRST_BATCH;
      const firstBatch = takeBatch(found, size, cursors.maxBatchBytes);
      // A server closes the cursor with the first batch when nothing is left (a limit met) or singleBatch (findOne).
      if (found.length === 0 || document.singleBatch === true) return {ok: 1, cursor: {id: Long.ZERO, ns: key, firstBatch}};
      const id = cursors.next++;
      cursors.open.set(String(id), {ns: key, remaining: found});
      return {ok: 1, cursor: {id: Long.fromNumber(id), ns: key, firstBatch}};
    }
    case 'aggregate': {
      // Only the pipeline of countDocuments: [{$match}, ({$skip}, {$limit},) {$group: {_id: 1, n: {$sum: 1}}}].
      const pipeline = list(document.pipeline) as Doc[];
      const stages = pipeline.map((stage) => Object.keys(stage)[0]);
      if (stages[0] !== '$match' || stages.at(-1) !== '$group' || stages.some((s) => !['$match', '$group'].includes(s!))) {
        return {ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `mock: unsupported aggregate pipeline ${stages.join(', ')}`};
      }
      const n = [...docs.values()].filter((doc) => matches(doc, pipeline[0]!.$match as Doc)).length;
      return {ok: 1, cursor: {id: Long.ZERO, ns: key, firstBatch: n === 0 ? [] : [{_id: 1, n}]}};
    }
    default:
      return {ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `mock: the sink sent an unexpected command "${command}"`};
  }
}

function getMore(cursors: Cursors, database: string, document: Doc): Doc {
  const id = String(document.getMore);
  const cursor = cursors.open.get(id);
  const ns = `${database}.${String(document.collection)}`;
  if (!cursor || cursor.ns !== ns) return {ok: 0, code: 43, codeName: 'CursorNotFound', errmsg: `cursor id ${id} not found in ${ns}`};
  const size = typeof document.batchSize === 'number' && document.batchSize > 0 ? document.batchSize : Number.POSITIVE_INFINITY;
  const nextBatch = takeBatch(cursor.remaining, size, cursors.maxBatchBytes);
  if (cursor.remaining.length === 0) cursors.open.delete(id);
  // The request's id arrives as a plain number (bson 4 promotes int64): answer with a Long, as a server does.
  return {ok: 1, cursor: {id: cursor.remaining.length === 0 ? Long.ZERO : Long.fromString(id), ns, nextBatch}};
}

/** Removes and returns the next batch from `documents`: at most `count`, and (beyond the first) within `maxBytes`. */
function takeBatch(documents: Doc[], count: number, maxBytes: number): Doc[] {
  let n = 0;
  let bytes = 0;
  while (n < Math.min(count, documents.length)) {
    bytes += mockBson.calculateObjectSize(documents[n]!);
    if (n > 0 && bytes > maxBytes) break;
    n++;
  }
  return documents.splice(0, n);
}

/** Over OP_QUERY the driver sends write batches as its internal batch object; both shapes are accepted. */
function list(value: unknown): Doc[] {
  if (Array.isArray(value)) return value as Doc[];
  return ((value as {documents?: Doc[]} | undefined)?.documents ?? []) as Doc[];
}

function uniqueKey(doc: Doc): string {
  // The unique index: {pair, timestamp} where both exist, else _id.
  return doc.pair !== undefined && doc.timestamp !== undefined ? `pt:${String(doc.pair)}:${String(doc.timestamp)}` : `id:${String(doc._id)}`;
}

function insert(docs: Map<string, Doc>, documents: Doc[]): Doc {
  const writeErrors: Doc[] = [];
  documents.forEach((doc, index) => {
    const stored = {_id: doc._id ?? new ObjectId(), ...doc};
    const key = uniqueKey(stored);
    if (docs.has(key)) writeErrors.push({index, code: 11000, errmsg: `E11000 duplicate key error dup key: ${key}`});
    else docs.set(key, stored);
  });
  return {ok: 1, n: documents.length - writeErrors.length, ...(writeErrors.length ? {writeErrors} : {})};
}

function update(docs: Map<string, Doc>, updates: Array<{q: Doc; u: Doc; upsert?: boolean; multi?: boolean}>): Doc {
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  updates.forEach(({q, u, upsert, multi}, index) => {
    // The unique index answers equality on {pair, timestamp} directly, as a real server would.
    const byIndex = q.pair !== undefined && typeof q.timestamp === 'number';
    const indexed = byIndex ? docs.get(uniqueKey(q)) : undefined;
    const matched = byIndex ? (indexed ? [indexed] : []) : [...docs.values()].filter((doc) => matches(doc, q));
    const existing = multi ? matched : matched.slice(0, 1);
    const isReplacement = !Object.keys(u).some((k) => k.startsWith('$'));
    for (const doc of existing) {
      const next = isReplacement ? {_id: doc._id, ...u} : {...doc, ...((u.$set as Doc) ?? {})};
      docs.delete(uniqueKey(doc));
      docs.set(uniqueKey(next), next);
      n++;
      nModified++;
    }
    if (existing.length === 0 && upsert) {
      const _id = q._id ?? new ObjectId();
      const equalities = Object.fromEntries(Object.entries(q).filter(([, v]) => typeof v !== 'object' || v === null));
      const created = isReplacement ? {_id, ...u} : {_id, ...equalities, ...((u.$set as Doc) ?? {})};
      docs.set(uniqueKey(created), created);
      upserted.push({index, _id});
      n++;
    }
  });
  return {ok: 1, n, nModified, ...(upserted.length ? {upserted} : {})};
}

function find(docs: Map<string, Doc>, document: Doc): Doc[] {
  let found = [...docs.values()].filter((doc) => matches(doc, (document.filter as Doc) ?? {}));
  const sort = document.sort as Record<string, number> | undefined;
  if (sort) {
    // As the server does: key by key, numbers by value and strings in binary order.
    const keys = Object.entries(sort);
    const compare = (x: unknown, y: unknown) => (x === y ? 0 : (x as number | string) < (y as number | string) ? -1 : 1);
    found.sort((a, b) => {
      for (const [field, direction] of keys) {
        const order = compare(a[field], b[field]) * direction;
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  if (typeof document.skip === 'number' && document.skip > 0) found = found.slice(document.skip);
  if (typeof document.limit === 'number' && document.limit > 0) found = found.slice(0, document.limit);
  const projection = document.projection as Record<string, number> | undefined;
  return found.map((doc) => project(doc, projection));
}

function project(doc: Doc, projection: Record<string, number> | undefined): Doc {
  if (!projection) return doc;
  const included = Object.entries(projection)
    .filter(([k, v]) => v === 1 && k !== '_id')
    .map(([k]) => k);
  if (included.length > 0) {
    return Object.fromEntries(Object.entries(doc).filter(([k]) => included.includes(k) || (k === '_id' && projection._id !== 0)));
  }
  return Object.fromEntries(Object.entries(doc).filter(([k]) => projection[k] !== 0));
}

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const value = doc[field];
    if (condition !== null && typeof condition === 'object' && !(condition instanceof ObjectId) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      const c = condition as {$gte?: number; $lte?: number; $ne?: unknown; $in?: unknown[]};
      const unknown = Object.keys(c).filter((k) => !['$gte', '$lte', '$ne', '$in'].includes(k));
      // An operator this fake does not know must fail loudly, never match everything.
      if (unknown.length > 0) throw new Error(`mock-mongodb: unsupported query operator ${unknown.join(', ')}`);
      if ('$ne' in c && (c.$ne === null ? value === null || value === undefined : value === c.$ne)) return false;
      if (c.$in && !c.$in.some((v) => String(v) === String(value) && typeof v === typeof value)) return false;
      return (c.$gte === undefined || (value as number) >= c.$gte) && (c.$lte === undefined || (value as number) <= c.$lte);
    }
    return String(value) === String(condition) && typeof value === typeof condition;
  });
}
