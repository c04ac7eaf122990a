import type {ExecutionContext} from 'ava';
import {Long, ObjectId} from 'mongodb';
import mock from 'mongodb-mock-server';

type Doc = Record<string, unknown>;

/** What a test may do to one command: answer it itself (an error, say), or drop the connection. */
export type Intercept = (command: string, document: Doc) => Doc | 'drop' | undefined;

export interface MockMongodb {
  /** Connection string for the mock; with credentials if asked, which the mock ignores. */
  readonly url: string;
  /** Every command the driver sent (handshakes and monitoring left out), in order. */
  readonly commands: Doc[];
  /** The stored documents of `database.collection`. */
  documents(database: string, collection: string): Doc[];
  intercept(handler: Intercept | undefined): void;
}

const MONITORING = new Set(['ismaster', 'isMaster', 'hello', 'endSessions', 'ping', 'buildInfo']);

/**
 * A MongoDB server at the wire level for tests: mongodb-mock-server (from the driver's maintainers) speaks
 * the protocol; this handler answers the few commands the mongodb sink sends — createIndexes, update
 * (upserts, $set, multi), insert, delete, find (equality, $gte/$lte and $ne filters, one-key sort, projection, limit) —
 * from in-memory collections, enforcing the unique {pair, timestamp} index and unique _id. Any other command
 * fails loudly, so a change in what the sink sends cannot pass unnoticed.
 */
export async function startMockMongodb(t: ExecutionContext, options: {credentials?: string} = {}): Promise<MockMongodb> {
  const server = await mock.createServer(0, '127.0.0.1');
  t.teardown(() => server.destroy());
  const collections = new Map<string, Map<string, Doc>>();
  const commands: Doc[] = [];
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
    request.reply(execute(collections, request.response.ns.split('.')[0]!, command, document));
  });

  const auth = options.credentials ? `${options.credentials}@` : '';
  return {
    url: `mongodb://${auth}127.0.0.1:${server.port}/?directConnection=true`,
    commands,
    documents: (database, collection) => [...(collections.get(`${database}.${collection}`)?.values() ?? [])],
    intercept: (handler) => {
      interceptor = handler;
    },
  };
}

function execute(collections: Map<string, Map<string, Doc>>, database: string, command: string, document: Doc): Doc {
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
    case 'find':
      return {ok: 1, cursor: {id: Long.ZERO, ns: key, firstBatch: find(docs, document)}};
    default:
      return {ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `mock: the sink sent an unexpected command "${command}"`};
  }
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
    const [field, direction] = Object.entries(sort)[0]!;
    found.sort((a, b) => ((a[field] as number) - (b[field] as number)) * direction);
  }
  if (typeof document.limit === 'number' && document.limit > 0) found = found.slice(0, document.limit);
  const projection = document.projection as Record<string, number> | undefined;
  return found.map((doc) => project(doc, projection));
}

function project(doc: Doc, projection: Record<string, number> | undefined): Doc {
  if (!projection) return doc;
  const included = Object.entries(projection).filter(([k, v]) => v === 1 && k !== '_id').map(([k]) => k);
  if (included.length > 0) {
    return Object.fromEntries(Object.entries(doc).filter(([k]) => included.includes(k) || (k === '_id' && projection._id !== 0)));
  }
  return Object.fromEntries(Object.entries(doc).filter(([k]) => projection[k] !== 0));
}

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const value = doc[field];
    if (condition !== null && typeof condition === 'object' && !(condition instanceof ObjectId) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      const c = condition as {$gte?: number; $lte?: number; $ne?: unknown};
      if ('$ne' in c && (c.$ne === null ? value === null || value === undefined : value === c.$ne)) return false;
      return (c.$gte === undefined || (value as number) >= c.$gte) && (c.$lte === undefined || (value as number) <= c.$lte);
    }
    return String(value) === String(condition) && typeof value === typeof condition;
  });
}
