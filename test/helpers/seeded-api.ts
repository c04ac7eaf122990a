import {openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {buildApp} from '../../src/api/build-app.js';
import {RequestLog} from '../../src/api/request-log.js';
import {type ServedField, servedFields} from '../../src/api/served-field.js';
import {SeriesCache} from '../../src/api/series-cache.js';
import {ServeMetrics} from '../../src/api/serve-metrics.js';
import type {StateStore} from '../../src/core/contracts/state-store.js';
import type {MmsRecord} from '../../src/core/contracts/record.js';
import type {Sink} from '../../src/core/contracts/sink.js';
import {stderrLogger} from '../../src/logger/stderr-logger.js';
import {JsonFileSink} from '../../plugins/json-file/json-file-sink.js';
import {computeSmas} from '../../plugins/sma/compute-sma.js';
import {SmaTransform} from '../../plugins/sma/sma-transform.js';
import {recordedDays} from './recorded-closes.js';
import {tempDir} from './temp-dir.js';

export const NOW = Date.parse('2022-04-27T12:00:00Z');

/** The fields `mms serve` serves for the bundled sma transform of windows 20, 50 and 200, described by it. */
export const SMA_FIELDS = servedFields([new SmaTransform([20, 50, 200])]);

/** Records of every recorded day of both pairs, with their 20/50/200-day averages (null without history). */
export function recordedRecords(): MmsRecord[] {
  return (['BRLBTC', 'BRLETH'] as const).flatMap((pair) => {
    const days = recordedDays(pair);
    const [m20, m50, m200] = computeSmas(
      Float64Array.from(days, (d) => Number(d.close)),
      [20, 50, 200],
    );
    const value = (column: Float64Array, i: number) => (Number.isNaN(column[i]!) ? null : column[i]!);
    return days.map((d, i) => ({
      pair,
      timestamp: d.timestamp,
      close: Number(d.close),
      mms_20: value(m20!, i),
      mms_50: value(m50!, i),
      mms_200: value(m200!, i),
    }));
  });
}

/** `mms serve`'s app over a JSON sink seeded with `records`, listening on a loopback port. */
export async function seededApi(
  t: ExecutionContext,
  options: {
    records?: MmsRecord[];
    sink?: Sink;
    now?: number | (() => number);
    log?: RequestLog;
    fields?: readonly ServedField[];
    /** A state store (ledger, run history): GET /metrics is served, reading it. */
    state?: StateStore;
  } = {},
) {
  const sink = options.sink ?? new JsonFileSink(join(await tempDir(t), 'mms.json'));
  if (!options.sink) await sink.upsert(options.records ?? recordedRecords());
  const {now = NOW, fields = SMA_FIELDS} = options;
  const clock = {now: typeof now === 'function' ? now : () => now};
  const cache = new SeriesCache(
    sink,
    ['BRLBTC', 'BRLETH'],
    fields.map((f) => f.name),
    clock,
    stderrLogger('silent'),
  );
  await cache.start(60_000);
  const metrics = options.state
    ? new ServeMetrics({pairs: ['BRLBTC', 'BRLETH'], step: 86_400, resolution: '1d', cache, state: options.state, clock})
    : undefined;
  const app = await buildApp({pairs: ['BRLBTC', 'BRLETH'], fields, cache, clock, version: 'test', log: options.log, metrics});
  const url = await app.listen({host: '127.0.0.1', port: 0});
  t.teardown(async () => {
    cache.stop();
    await app.close();
  });
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    return {status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: response.headers};
  };
  return {url, get, cache, sink, app};
}

export interface LogLine {
  reqId: string;
  method: string;
  url: string;
  status: number;
  ms: number;
}

/** `seededApi` with request logs written to a file: `lines()` closes the app and gives every line written. */
export async function loggedApi(t: ExecutionContext) {
  const path = join(await tempDir(t), 'access.log');
  const fd = openSync(path, 'w');
  const log = new RequestLog({fd});
  const api = await seededApi(t, {log});
  const lines = async (): Promise<LogLine[]> => {
    await api.app.close();
    await log.close(); // and with it the file
    return (
      readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine & {msg: string})
        // fastify's own lines (listening, closing) are not requests.
        .filter((line) => line.msg === 'request')
    );
  };
  return {...api, lines};
}
