import {type Candle, type ExactDecimals, exactDecimal} from '../src/core/contracts/candle.js';
import {RESOLUTIONS, resolutionSeconds} from '../src/core/contracts/resolution.js';
import {type FaultDecision, FaultPlan} from './fault-plan.js';
import type {SimulatorDataset} from './simulator-dataset.js';

export interface SimulatorOptions {
  readonly dataset: SimulatorDataset;
  /** The simulator's clock in epoch milliseconds: decides which buckets are complete or running. */
  readonly now: () => number;
  /** Faults to inject (stateful: it counts requests). */
  readonly faults?: FaultPlan;
}

export interface SimulatedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** How long to wait before answering (a `slow` fault). */
  readonly delayMs?: number;
}

const NO_FAULT = new FaultPlan();

/** Every resolution MB serves that has a fixed length (mms reasons in all but `1w`). */
const STEPS: Readonly<Record<string, number>> = {...Object.fromEntries(RESOLUTIONS.map((r) => [r, resolutionSeconds(r)])), '1w': 604_800};

/**
 * The fake Mercado Bitcoin API as a pure function of the request URL, shared by the loopback server
 * (`mms simulate`) and the msw handlers of the tests, so the two can never drift apart.
 *
 *   GET /api/v4/candles?symbol=BTC-BRL&resolution=1d&from=&to=[&countback=]   (current API)
 *   GET /v4/BRLBTC/candle?from=&to=&precision=1d                              (legacy API)
 *
 * `from` and `to` are inclusive bucket open times in Unix seconds.
 */
export function handleMbRequest(url: URL, options: SimulatorOptions): SimulatedResponse {
  const v4 = /^\/api\/v4\/candles\/?$/.exec(url.pathname);
  const legacy = /^\/v4\/([^/]+)\/candle\/?$/.exec(url.pathname);
  const symbol = /^([A-Z0-9]+)-([A-Z0-9]+)$/.exec(url.searchParams.get('symbol') ?? '');
  const pair = v4 ? (symbol ? `${symbol[2]}${symbol[1]}` : undefined) : legacy ? decodeURIComponent(legacy[1]!) : undefined;
  const decision = (options.faults ?? NO_FAULT).decide(pair);
  let response: SimulatedResponse;
  if (decision.fail) {
    response = {status: decision.fail.status, headers: {'content-type': decision.fail.contentType, ...decision.fail.headers}, body: decision.fail.body};
  } else if (v4) {
    response = v4Candles(pair ?? '', url.searchParams, options, decision);
  } else if (legacy) {
    response = legacyCandles(pair!, url.searchParams, options, decision);
  } else {
    response = mbError(404, 'API|ROUTE|NOT_FOUND', `no route for ${url.pathname}; the simulator serves /api/v4/candles and /v4/{PAIR}/candle`);
  }
  return decision.delayMs > 0 ? {...response, delayMs: decision.delayMs} : response;
}

/** The dataset's answer, with the faults that change data applied: holes, restated bars, and a not-yet-final running bar. */
function servedCandles(dataset: SimulatorDataset, pair: string, step: number, from: number, to: number, nowSeconds: number, decision: FaultDecision): Candle[] {
  let candles = dataset.candles(pair, step, from, to, nowSeconds);
  if (decision.holes.length > 0) candles = candles.filter((c) => !decision.holes.some((h) => c.timestamp >= h.from && c.timestamp <= h.to));
  if (decision.restated.length > 0) candles = candles.map((c) => (decision.restated.includes(c.timestamp) ? restated(c) : c));
  const running = Math.floor(nowSeconds / step) * step;
  if (decision.partialDay && running >= from && running <= to && !candles.some((c) => c.timestamp === running)) {
    const final = dataset.candles(pair, step, running, running, running + step)[0];
    // Same bar, but its close is still moving: storing it would store a wrong average.
    if (final) candles = [...candles, {...final, close: Number((final.close * 1.01).toFixed(8))}];
  }
  return candles;
}

/** The candle with its close 1% higher (eight decimals) and its high at least that: a later trade folded in. */
function restated(candle: Candle): Candle {
  const close = Number((candle.close * 1.01).toFixed(8));
  return {timestamp: candle.timestamp, open: candle.open, high: Math.max(candle.high, close), low: candle.low, close, volume: candle.volume};
}

function corrupted(body: string, decision: FaultDecision): string {
  // Cut mid-document, as a dropped connection behind a proxy would.
  return decision.corrupt === 'malformed-json' ? body.slice(0, Math.max(1, Math.floor(body.length / 2))) : body;
}

function v4Candles(pair: string, params: URLSearchParams, {dataset, now}: SimulatorOptions, decision: FaultDecision): SimulatedResponse {
  const symbol = params.get('symbol') ?? '';
  if (!pair || !dataset.hasPair(pair)) return mbError(400, 'PUBLIC_DATA|LIST_CANDLES|SYMBOL_IS_INVALID', `symbol "${symbol}" is invalid`);
  const step = STEPS[params.get('resolution') ?? ''];
  if (!step) return mbError(400, 'PUBLIC_DATA|LIST_CANDLES|RESOLUTION_IS_INVALID', `resolution must be one of ${Object.keys(STEPS).join(', ')}`);
  if (!dataset.supportsStep(step))
    return mbError(
      400,
      'PUBLIC_DATA|LIST_CANDLES|RESOLUTION_IS_INVALID',
      `this simulator dataset (${dataset.description}) has no ${params.get('resolution')} bars`,
    );
  const to = integerParam(params, 'to');
  if (to === undefined) return mbError(400, 'PUBLIC_DATA|LIST_CANDLES|INVALID_PARAMETER', '"to" is required (Unix seconds)');
  const countback = integerParam(params, 'countback');
  const from = countback === undefined ? integerParam(params, 'from') : undefined;
  if (countback === undefined && from === undefined) {
    return mbError(400, 'PUBLIC_DATA|LIST_CANDLES|INVALID_PARAMETER', '"from" or "countback" is required');
  }
  const nowSeconds = Math.floor(now() / 1000);
  let candles = servedCandles(dataset, pair, step, from ?? to - (countback! - 1) * step, to, nowSeconds, decision);
  if (countback !== undefined) candles = candles.slice(-countback);
  const columns = {
    t: candles.map((c) => c.timestamp),
    o: candles.map((c) => exactDecimal(c, 'open')),
    h: candles.map((c) => exactDecimal(c, 'high')),
    l: candles.map((c) => exactDecimal(c, 'low')),
    c: candles.map((c) => exactDecimal(c, 'close')),
    v: candles.map((c) => exactDecimal(c, 'volume')),
  };
  if (decision.corrupt === 'unequal-columns') columns.c = columns.c.slice(0, -1);
  const response = json(200, columns);
  return {...response, body: corrupted(response.body, decision)};
}

function legacyCandles(pair: string, params: URLSearchParams, {dataset, now}: SimulatorOptions, decision: FaultDecision): SimulatedResponse {
  if (!dataset.hasPair(pair)) return json(404, {status_code: 404, status_message: `Pair ${pair} not found`});
  const step = STEPS[params.get('precision') ?? '1d'];
  const from = integerParam(params, 'from');
  const to = integerParam(params, 'to');
  if (!step || !dataset.supportsStep(step) || from === undefined || to === undefined) {
    return json(400, {status_code: 400, status_message: 'from and to (Unix seconds) and a supported precision are required'});
  }
  const nowSeconds = Math.floor(now() / 1000);
  const candles = servedCandles(dataset, pair, step, from, to, nowSeconds, decision);
  const rows = candles.map((c) => ({
    close: legacyNumber(c, 'close'),
    high: legacyNumber(c, 'high'),
    low: legacyNumber(c, 'low'),
    open: legacyNumber(c, 'open'),
    timestamp: c.timestamp,
    volume: legacyNumber(c, 'volume'),
  }));
  // The legacy shape has no columns; its "unequal" corruption is a bar with a field missing.
  if (decision.corrupt === 'unequal-columns' && rows.length > 0) delete (rows[0] as Partial<(typeof rows)[number]>).close;
  const response = json(200, {status_code: 100, status_message: 'Success', server_unix_timestamp: nowSeconds, candles: rows});
  return {...response, body: corrupted(response.body, decision)};
}

function integerParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * A legacy JSON number with every digit of a value a float64 cannot hold (JSON.stringify would round it),
 * written from its exact text.
 */
function legacyNumber(candle: Candle, field: keyof ExactDecimals): unknown {
  const text = candle.exact?.[field];
  return text === undefined ? candle[field] : (JSON as unknown as {rawJSON(text: string): unknown}).rawJSON(text);
}

function mbError(status: number, code: string, message: string): SimulatedResponse {
  return json(status, {code, message});
}

function json(status: number, body: unknown): SimulatedResponse {
  return {status, headers: {'content-type': 'application/json; charset=utf-8'}, body: JSON.stringify(body)};
}
