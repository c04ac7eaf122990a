import {createServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';
import test, {type ExecutionContext} from 'ava';
import {type MockMongodb, startMockMongodb} from '../helpers/mock-mongodb.js';
import {servedStore} from '../helpers/served-store.js';
import {dayStart, type SimulatedProject, simulatedProject, type StoredRecord, utcDay} from '../helpers/simulated-project.js';

// Every command, run as the real CLI against a wire-level MongoDB (mongodb-mock-server answering from
// memory; no real server runs here), with a JSON-file project beside it where "the same" has to be checked.

const NOW = '2022-04-27T12:00:00Z';

/** A project whose sink is the mock MongoDB, everything else as in the JSON-file projects. */
async function mongoProject(t: ExecutionContext, mongo: MockMongodb, sink: Record<string, unknown> = {}): Promise<SimulatedProject> {
  return simulatedProject(t, {
    config: (url) => ({
      source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
      sink: {use: 'mongodb', url: mongo.url, database: 'mms', collection: 'mms', ...sink},
    }),
  });
}

/** What MongoDB stores, without the fields the sink adds (`_id`, `date`), in the JSON file's order. */
function storedRecords(mongo: MockMongodb): StoredRecord[] {
  return mongo
    .documents('mms', 'mms')
    .map(({_id, date, ...record}) => record as StoredRecord)
    .sort((a, b) => (a.pair === b.pair ? a.timestamp - b.timestamp : a.pair < b.pair ? -1 : 1));
}

const key = (r: Readonly<Record<string, unknown>>) => `${String(r.pair)} ${String(r.timestamp)}`;
/** Documents in key order: the mock's own order follows its writes. */
const byKeyOrder = (documents: ReadonlyArray<Record<string, unknown>>) => [...documents].sort((a, b) => (key(a) < key(b) ? -1 : 1));

test("on MongoDB the next day's run writes exactly one day per pair, the same records as the JSON file", async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  const json = await simulatedProject(t);
  for (const project of [db, json]) t.is((await project.mms(['ingest'], '2022-04-26T09:00:00Z')).code, 0);
  const before = storedRecords(mongo);
  t.is(before.length, 730);

  const next = await db.mms(['ingest', '--json'], '2022-04-27T09:00:00Z');
  t.is(next.code, 0, next.stderr);
  const pairs = JSON.parse(next.stdout).pairs as Array<Record<string, unknown>>;
  t.deepEqual(
    pairs.map((p) => p.pair),
    ['BRLBTC', 'BRLETH'],
  );
  for (const pair of pairs) t.like(pair, {status: 'written', written: 1, firstWritten: '2022-04-26', lastWritten: '2022-04-26', requests: 1});
  const after = storedRecords(mongo);
  t.is(after.length, 732);
  const known = new Set(before.map(key));
  t.deepEqual(
    after.filter((r) => !known.has(key(r))).map((r) => [r.pair, utcDay(r.timestamp)]),
    [
      ['BRLBTC', '2022-04-26'],
      ['BRLETH', '2022-04-26'],
    ],
  );
  // The watermark came from MongoDB: a newest-first, limit-1 find per pair before the run.
  t.true(mongo.commands.some((c) => c.find === 'mms' && (c.sort as Record<string, number> | undefined)?.timestamp === -1 && c.limit === 1));

  t.is((await json.mms(['ingest'], '2022-04-27T09:00:00Z')).code, 0);
  t.deepEqual(after, await json.records());
});

test('on MongoDB a --from/--to backfill writes its range once: rerun, or overlapping stored days, it never duplicates', async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  t.is((await db.mms(['ingest'], NOW)).code, 0);
  const daily = mongo.documents('mms', 'mms');
  t.is(daily.length, 730);

  const backfill = await db.mms(['ingest', '--from', '2020-08-01', '--to', '2020-08-31', '--json'], NOW);
  t.is(backfill.code, 0, backfill.stderr);
  for (const pair of JSON.parse(backfill.stdout).pairs) t.like(pair, {written: 31, firstWritten: '2020-08-01', lastWritten: '2020-08-31'});
  const filled = mongo.documents('mms', 'mms');
  t.is(filled.length, 730 + 62);
  // The daily records are untouched, _id included: upserted in place, never re-inserted.
  const byKey = new Map(filled.map((d) => [key(d), d]));
  for (const record of daily) t.deepEqual(byKey.get(key(record)), record);
  const stored = byKeyOrder(filled);

  // The same range again, and a range over days already stored: the same documents, no new ones.
  for (const args of [
    ['--from', '2020-08-01', '--to', '2020-08-31'],
    ['--from', '2022-04-01', '--to', '2022-04-26'],
  ]) {
    const rerun = await db.mms(['ingest', ...args], NOW);
    t.is(rerun.code, 0, rerun.stderr);
    const now = mongo.documents('mms', 'mms');
    t.is(now.length, filled.length, `ingest ${args.join(' ')} added documents`);
    t.is(new Set(now.map(key)).size, now.length, 'one document per (pair, timestamp)');
    t.deepEqual(byKeyOrder(now), stored);
  }
  // The watermark is still the newest stored day: the daily job has nothing to do.
  t.regex((await db.mms(['ingest'], NOW)).stdout, /BRLBTC {2}up to date \(stored through 2022-04-26\)/);

  const json = await simulatedProject(t);
  t.is((await json.mms(['ingest'], NOW)).code, 0);
  t.is((await json.mms(['ingest', '--from', '2020-08-01', '--to', '2020-08-31'], NOW)).code, 0);
  t.deepEqual(storedRecords(mongo), await json.records());
});

test('mms gaps on MongoDB reports days never written (exit 6), and none once gaps --enqueue and retry have filled them', async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  // Everything but 2022-01-10..12: two backfills around the hole.
  t.is((await db.mms(['ingest', '--from', '2021-04-27', '--to', '2022-01-09'], NOW)).code, 0);
  t.is((await db.mms(['ingest', '--from', '2022-01-13'], NOW)).code, 0);

  const gaps = await db.mms(['gaps', '--json'], NOW);
  t.is(gaps.code, 6, gaps.stderr);
  const report = JSON.parse(gaps.stdout);
  t.false(report.ok);
  for (const pair of report.pairs) {
    t.deepEqual(pair.missing, [{from: '2022-01-10', to: '2022-01-12', bars: 3, cause: 'not-ingested'}]);
    t.deepEqual(pair.incomplete, []);
  }
  const text = await db.mms(['gaps', '--enqueue'], NOW);
  t.is(text.code, 6);
  t.regex(text.stdout, /• BRLBTC: missing 2022-01-10\.\.2022-01-12 \(3 days\), never ingested/);
  t.regex(text.stdout, /Queued 2 window\(s\)/);
  // The queue lives in MongoDB, beside the data.
  t.deepEqual(
    mongo
      .documents('mms', 'mms_state')
      .filter((d) => String(d._id).startsWith('ledger:'))
      .flatMap((d) => (d.failures as Array<{pair: string; kind: string}>).map((f) => [f.pair, f.kind])),
    [
      ['BRLBTC', 'gap'],
      ['BRLETH', 'gap'],
    ],
  );

  const retry = await db.mms(['retry'], NOW);
  t.is(retry.code, 0, retry.stderr);
  const after = await db.mms(['gaps', '--json'], NOW);
  t.is(after.code, 0, after.stderr);
  t.like(JSON.parse(after.stdout), {ok: true, period: {from: '2021-04-27', to: '2022-04-26', days: 365}});
  t.is(mongo.documents('mms', 'mms').length, 730);
});

test('mms serve answers GET /BRLBTC/mms and /health from MongoDB', async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  t.is((await db.mms(['ingest'], NOW)).code, 0);
  const server = await (await servedStore(t, {project: db})).serve({now: NOW});

  const health = await fetch(`${server.url}/health`);
  t.is(health.status, 200);
  t.like(await health.json(), {
    status: 'ok',
    store: {reachable: true},
    pairs: [
      {pair: 'BRLBTC', latest: '2022-04-26', stale: false},
      {pair: 'BRLETH', latest: '2022-04-26', stale: false},
    ],
  });

  const from = dayStart('2022-04-20');
  const response = await fetch(`${server.url}/BRLBTC/mms?from=${from}&range=50`);
  t.is(response.status, 200);
  const points = (await response.json()) as Array<{timestamp: number; mms: number}>;
  const expected = storedRecords(mongo)
    .filter((r) => r.pair === 'BRLBTC' && r.timestamp >= from)
    .map((r) => ({timestamp: r.timestamp, mms: r.mms_50}));
  t.is(expected.length, 7);
  t.deepEqual(points, expected);
  // The series was read from MongoDB, by range.
  t.true(
    mongo.commands.some(
      (c) => c.find === 'mms' && (c.filter as {pair?: string}).pair === 'BRLBTC' && typeof (c.filter as {timestamp?: unknown}).timestamp === 'object',
    ),
  );
  t.is(await server.stop(), 0);
});

/** A TCP listener that accepts connections and never answers: a server that is there but unreachable. */
async function silentServer(t: ExecutionContext): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A loopback port nobody listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SECRET = 's3cret-Pa55';

for (const scenario of ['refused', 'silent', 'auth'] as const) {
  const what = {refused: 'a server that refuses connections', silent: 'a server that never answers', auth: 'a server that refuses the credentials'}[scenario];
  test(`${what}: one clear line, exit 4, and no password — in text, --json and MMS_LOG_LEVEL=debug`, async (t) => {
    let port: number;
    let expected: RegExp;
    if (scenario === 'auth') {
      const mongo = await startMockMongodb(t);
      mongo.intercept((command) =>
        command === 'saslStart' ? {ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.'} : undefined,
      );
      port = Number(/127\.0\.0\.1:(\d+)/.exec(mongo.url)![1]);
      expected =
        /^mongodb: authentication failed at mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+\/\?authSource=admin; check the user, password and authSource in sink\.url \(MMS_MONGODB_URL\)\.$/;
    } else {
      port = scenario === 'refused' ? await closedPort() : await silentServer(t);
      expected = new RegExp(
        `^mongodb: cannot reach mongodb://\\*\\*\\*@127\\.0\\.0\\.1:${port}/\\?authSource=admin to take the run locks \\(.*${scenario === 'refused' ? 'ECONNREFUSED' : ''}.*\\)\\. Start MongoDB, or fix sink\\.url \\(MMS_MONGODB_URL\\)\\.$`,
      );
    }
    const project = await simulatedProject(t, {
      config: (url) => ({
        source: {use: 'mercado-bitcoin', baseUrl: `${url}/api/v4`, minIntervalMs: 0},
        sink: {use: 'mongodb', url: `mongodb://admin:${SECRET}@127.0.0.1:${port}/?authSource=admin`, serverSelectionTimeoutMs: 500, connectTimeoutMs: 500},
      }),
    });
    for (const mode of ['text', 'json', 'debug'] as const) {
      const run = await project.mms(mode === 'json' ? ['ingest', '--json'] : ['ingest'], NOW, mode === 'debug' ? {MMS_LOG_LEVEL: 'debug'} : {});
      t.is(run.code, 4, `${mode}: ${run.stderr}`);
      t.false(`${run.stdout}${run.stderr}`.includes(SECRET), `${mode}: the password was printed`);
      t.notRegex(`${run.stdout}${run.stderr}`, /admin:|s3cret/, `${mode}: the credentials were printed`);
      t.notRegex(run.stderr, /\n\s+at /, `${mode}: no stack trace`);
      if (mode === 'json') {
        const {error} = JSON.parse(run.stdout) as {error: {code: string; exitCode: number; message: string}};
        t.like(error, {code: 'MMS_SINK', exitCode: 4});
        t.regex(error.message, expected, mode);
      } else {
        const errors = run.stderr.split('\n').filter((line) => line.startsWith('Error: '));
        t.is(errors.length, 1, `${mode}: one error line, got:\n${run.stderr}`);
        if (mode === 'debug') t.log(run.stderr);
        t.regex(errors[0]!.slice('Error: '.length), expected, mode);
        t.is(run.stdout, '', `${mode}: nothing on stdout`);
      }
    }
    t.is(project.requests(), 0, 'nothing was fetched for a store that cannot be written');
  });
}

test('on MongoDB every candle fetched is kept, mms verify finds every value equal to what they give, with the digest of the JSON-file store', async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  const json = await simulatedProject(t);
  for (const project of [db, json]) t.is((await project.mms(['ingest'], NOW)).code, 0);
  // A year of records per pair, and the 199 days of look-back before them.
  t.is(mongo.documents('mms', 'mms_candles').length, 2 * (365 + 199));
  const verified = await db.mms(['verify', '--json'], NOW);
  t.is(verified.code, 0, verified.stderr);
  const result = JSON.parse(verified.stdout) as {ok: boolean; pairs: Array<{values: number; digest: string}>};
  t.true(result.ok);
  t.deepEqual(
    result.pairs.map((p) => p.values),
    [365 * 4, 365 * 4],
  );
  const digests = JSON.parse((await json.mms(['verify', '--json', '--digest-only'], NOW)).stdout) as {pairs: Array<{digest: string}>};
  t.deepEqual(
    digests.pairs.map((p) => p.digest),
    result.pairs.map((p) => p.digest),
  );
});

test('mms status on MongoDB counts the stored days with the server and lists the runs', async (t) => {
  const mongo = await startMockMongodb(t);
  const db = await mongoProject(t, mongo);
  t.is((await db.mms(['ingest'], '2022-04-25T12:00:00Z')).code, 0);
  const run = await db.mms(['status', '--json'], NOW);
  t.is(run.code, 0, run.stderr);
  const status = JSON.parse(run.stdout) as {
    store: {sink: string; location: string};
    pairs: Array<Record<string, unknown>>;
    runs: Array<Record<string, unknown>>;
  };
  t.is(status.store.sink, 'mongodb');
  t.notRegex(status.store.location, /s3cret|:[^@/]*@/, 'no credentials in the location');
  t.like(status.pairs, [
    {pair: 'BRLBTC', first: '2021-04-25', last: '2022-04-24', records: 365, incomplete: 0, behind: 2},
    {pair: 'BRLETH', records: 365, behind: 2},
  ]);
  t.like(status.runs, [{command: 'ingest', outcome: 'ok', written: 730}]);
});
