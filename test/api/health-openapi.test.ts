import SwaggerParser from '@apidevtools/swagger-parser';
import test from 'ava';
import {MongodbSink} from '../../plugins/mongodb/mongodb-sink.js';
import {mongodbConfigSchema} from '../../plugins/mongodb/config-schema.js';
import {NOW, recordedRecords, seededApi} from '../helpers/seeded-api.js';
import {day} from '../helpers/utc-day.js';

test('/health says the store is reachable, gives each pair its newest day, and whether it is stale', async (t) => {
  const fresh = await seededApi(t);
  t.deepEqual((await fresh.get('/health')).body, {
    status: 'ok',
    store: {reachable: true, refreshedAt: new Date(NOW).toISOString()},
    pairs: [
      {pair: 'BRLBTC', latest: '2022-04-26', stale: false},
      {pair: 'BRLETH', latest: '2022-04-26', stale: false},
    ],
  });
  const behind = await seededApi(t, {records: recordedRecords().filter((r) => r.timestamp < day('2022-04-20') || r.pair === 'BRLETH')});
  const health = await behind.get('/health');
  t.is(health.status, 200);
  t.like(health.body, {
    status: 'stale',
    pairs: [
      {pair: 'BRLBTC', latest: '2022-04-19', stale: true},
      {pair: 'BRLETH', stale: false},
    ],
  });
});

test('/health is 503 when the store cannot be reached, and the API answers 503, not 500', async (t) => {
  const sink = new MongodbSink(mongodbConfigSchema.parse({url: 'mongodb://admin:s3cret@127.0.0.1:9', serverSelectionTimeoutMs: 200}));
  t.teardown(() => sink.close());
  const api = await seededApi(t, {sink});
  const health = await api.get('/health');
  t.is(health.status, 503);
  t.like(health.body, {status: 'unavailable', store: {reachable: false}});
  t.notRegex(JSON.stringify(health.body), /s3cret/);
  const mms = await api.get(`/BRLBTC/mms?from=${day('2022-04-01')}&range=20`);
  t.is(mms.status, 503);
  t.like(mms.body, {error: 'store_unavailable'});
});

test('/openapi.json is a valid OpenAPI document generated from the route schemas', async (t) => {
  const api = await seededApi(t);
  const {status, body} = await api.get('/openapi.json');
  t.is(status, 200);
  const document = (await SwaggerParser.validate(structuredClone(body) as never)) as unknown as {
    openapi: string;
    paths: Record<string, {get: {parameters: Array<{name: string; in: string; required?: boolean}>}}>;
  };
  t.regex(document.openapi, /^3\./);
  const parameters = document.paths['/{pair}/mms']!.get.parameters.map((p) => [p.in, p.name, Boolean(p.required)]);
  t.deepEqual(parameters.sort(), [
    ['path', 'pair', true],
    ['query', 'from', true],
    ['query', 'range', true],
    ['query', 'to', false],
  ]);
  t.truthy(document.paths['/health']);
  const records = document.paths['/{pair}/records']!.get.parameters.map((p) => [p.in, p.name, Boolean(p.required)]);
  t.deepEqual(records.sort(), [
    ['path', 'pair', true],
    ['query', 'from', true],
    ['query', 'to', false],
  ]);
  t.truthy(document.paths['/pairs']);
  t.deepEqual(Object.keys(document.paths).sort(), ['/health', '/pairs', '/{pair}/mms', '/{pair}/records'], 'the page and its assets are not API routes');
  // Each route documents every status it answers with (a client generated from the document handles them all).
  const statuses = Object.fromEntries(
    Object.entries(document.paths).map(([path, item]) => [path, Object.keys((item.get as unknown as {responses: object}).responses).sort()]),
  );
  t.deepEqual(statuses, {'/health': ['200', '503'], '/pairs': ['200', '400'], '/{pair}/mms': ['200', '400', '503'], '/{pair}/records': ['200', '400', '503']});
});
