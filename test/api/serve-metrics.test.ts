import {join} from 'node:path';
import test from 'ava';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import {FileStateStore} from '../../src/core/state/file-state-store.js';
import {NOW, seededApi} from '../helpers/seeded-api.js';
import {tempDir} from '../helpers/temp-dir.js';

interface Family {
  name: string;
  type: string;
  metrics: Array<{value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string}>;
}

test('GET /metrics is Prometheus text: freshness per pair, the ledger, the last run, and requests by route and status with their latency', async (t) => {
  const state = new FileStateStore(join(await tempDir(t), 'mms.state.json'));
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
  await state.save(
    {
      version: 1,
      failures: [
        {
          pair: 'BRLETH',
          resolution: '1d',
          from: day('2022-04-20'),
          to: day('2022-04-21'),
          kind: 'transient',
          message: 'down',
          attempts: 1,
          firstFailedAt: 'a',
          lastTriedAt: 'a',
          status: 'pending',
        },
      ],
      holes: [{pair: 'BRLBTC', resolution: '1d', from: day('2022-01-01'), to: day('2022-01-03'), seenAt: 'b'}],
    },
    ['BRLBTC', 'BRLETH'],
  );
  await state.recordRun({
    id: 'r1',
    command: 'ingest',
    args: [],
    pairs: ['BRLBTC'],
    host: 'h',
    pid: 1,
    startedAt: '2022-04-27T03:00:00.000Z',
    endedAt: '2022-04-27T03:00:02.000Z',
    outcome: 'partial',
    exitCode: 3,
  });
  await state.recordRun({id: 'r2', command: 'ingest', args: [], pairs: ['BRLBTC'], host: 'h', pid: 2, startedAt: '2022-04-27T04:00:00.000Z'});
  const api = await seededApi(t, {state});
  t.is((await api.get('/BRLBTC/mms?from=1640995200&range=20')).status, 200);
  t.is((await api.get('/BRLBTC/mms?from=1640995200&range=21')).status, 400);
  t.is((await api.get('/nowhere/at/all')).status, 404);

  const response = await fetch(`${api.url}/metrics`);
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const families = parsePrometheusTextFormat(text) as Family[];
  const family = (name: string) => families.find((f) => f.name === name)!;
  const value = (name: string, labels: Record<string, string> = {}) =>
    Number(family(name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value);

  const newest = day('2022-04-26');
  t.is(value('mms_newest_bar_timestamp_seconds', {pair: 'BRLBTC'}), newest);
  t.is(value('mms_newest_bar_age_seconds', {pair: 'BRLETH'}), NOW / 1000 - (newest + 86_400));
  t.is(value('mms_store_reachable'), 1);
  t.is(value('mms_pending_windows', {pair: 'BRLETH'}), 1);
  t.is(value('mms_pending_windows', {pair: 'BRLBTC'}), 0);
  t.is(value('mms_source_hole_bars', {pair: 'BRLBTC'}), 3);
  t.is(
    value('mms_last_run_end_timestamp_seconds', {command: 'ingest', outcome: 'partial'}),
    Date.parse('2022-04-27T03:00:02Z') / 1000,
    'the newest finished run',
  );
  t.is(value('mms_http_requests_total', {route: '/:pair/mms', method: 'GET', status: '200'}), 1);
  t.is(value('mms_http_requests_total', {route: '/:pair/mms', method: 'GET', status: '400'}), 1);
  t.is(value('mms_http_requests_total', {route: 'unrouted', method: 'GET', status: '404'}), 1);
  const latency = family('mms_http_request_duration_seconds');
  t.is(latency.type, 'HISTOGRAM');
  // This parser keeps a histogram's buckets but not its labels: the counts per route are read from the text.
  t.true(latency.metrics.length > 0);
  t.regex(text, /^mms_http_request_duration_seconds_count\{route="\/:pair\/mms"\} 2$/m);
  t.regex(text, /^mms_http_request_duration_seconds_count\{route="unrouted"\} 1$/m);
  t.truthy(family('mms_process_cpu_seconds_total'), "Node's process metrics too");
});
