import type {TimeRange} from '../src/core/contracts/record.js';

/**
 * Faults the simulator injects on demand, deterministically (counted in requests, not time), so tests and
 * demos can script an outage. `requests` counts the simulator's requests from 1; a fault without it
 * applies to every request. `pair` limits a fault to one pair.
 */
export type Fault =
  /** 503 with MB's error JSON: the API is down (for the first `requests`, or from request `after` + 1 on). */
  | {readonly type: 'down'; readonly requests?: number; readonly after?: number}
  /** 500 with MB's error JSON, always, for one pair. */
  | {readonly type: 'fail-pair'; readonly pair: string}
  /** An HTML 403 page, as Cloudflare serves to clients it blocks. */
  | {readonly type: 'cloudflare'; readonly requests?: number; readonly pair?: string}
  /** 429, with `Retry-After: <seconds>` when `retryAfter` is given. */
  | {readonly type: 'rate-limit'; readonly requests?: number; readonly retryAfter?: number}
  /** The answer arrives after `delayMs` (longer than the client's timeout, say); from request `after` + 1 on if given. */
  | {readonly type: 'slow'; readonly delayMs: number; readonly requests?: number; readonly after?: number}
  /** Bars of `pair` in `[from, to]` are missing from every answer, as for days without trades. */
  | {readonly type: 'hole'; readonly pair: string; readonly from: number; readonly to: number}
  /** A 200 whose body is cut in the middle of the JSON. */
  | {readonly type: 'malformed-json'; readonly requests?: number; readonly pair?: string}
  /** A 200 whose column arrays (v4) have different lengths. */
  | {readonly type: 'unequal-columns'; readonly requests?: number; readonly pair?: string}
  /** The still-running bucket of "now" is included, with a close that is not final. */
  | {readonly type: 'partial-day'}
  /**
   * The bar of `pair` at `at` is served with its close 1% higher (and its high raised to match): the exchange
   * restating a candle it served before (a late trade folded in, a correction).
   */
  | {readonly type: 'restate'; readonly pair: string; readonly at: number};

export interface FaultDecision {
  /** Answer with this status and body instead of candles. */
  readonly fail?: {readonly status: number; readonly body: string; readonly contentType: string; readonly headers?: Record<string, string>};
  readonly delayMs: number;
  readonly holes: readonly TimeRange[];
  readonly corrupt?: 'malformed-json' | 'unequal-columns';
  readonly partialDay: boolean;
  /** Open times of the bars served restated. */
  readonly restated: readonly number[];
}

const CLOUDFLARE_PAGE =
  '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1></body></html>';

/** Applies a list of faults to the simulator's requests, in order; the first failing fault answers. */
export class FaultPlan {
  private count = 0;

  constructor(readonly faults: readonly Fault[] = []) {}

  /** Called once per request, with the pair it is for (when the route names one). */
  decide(pair: string | undefined): FaultDecision {
    const n = ++this.count;
    const applies = (f: {requests?: number; after?: number; pair?: string}) =>
      (f.requests === undefined || n <= f.requests) && (f.after === undefined || n > f.after) && (f.pair === undefined || f.pair === pair);
    let delayMs = 0;
    let corrupt: FaultDecision['corrupt'];
    let partialDay = false;
    const holes: TimeRange[] = [];
    const restated: number[] = [];
    for (const fault of this.faults) {
      switch (fault.type) {
        case 'down':
          if (applies(fault)) return failWith(delayMs, 503, mbError('API|SERVICE|UNAVAILABLE', 'Service temporarily unavailable'));
          break;
        case 'fail-pair':
          if (fault.pair === pair)
            return failWith(delayMs, 500, mbError('PUBLIC_DATA|LIST_CANDLES|INTERNAL_ERROR', `Internal error listing candles of ${pair}`));
          break;
        case 'cloudflare':
          if (applies(fault)) return failWith(delayMs, 403, CLOUDFLARE_PAGE, 'text/html; charset=UTF-8');
          break;
        case 'rate-limit':
          if (applies(fault)) {
            const headers: Record<string, string> = fault.retryAfter === undefined ? {} : {'retry-after': String(fault.retryAfter)};
            return failWith(delayMs, 429, mbError('API|RATE_LIMIT|EXCEEDED', 'Too many requests'), 'application/json', headers);
          }
          break;
        case 'slow':
          if (applies(fault)) delayMs += fault.delayMs;
          break;
        case 'hole':
          if (fault.pair === pair) holes.push({from: fault.from, to: fault.to});
          break;
        case 'malformed-json':
        case 'unequal-columns':
          if (applies(fault)) corrupt ??= fault.type;
          break;
        case 'partial-day':
          partialDay = true;
          break;
        case 'restate':
          if (fault.pair === pair) restated.push(fault.at);
          break;
      }
    }
    return {delayMs, holes, corrupt, partialDay, restated};
  }
}

function failWith(delayMs: number, status: number, body: string, contentType = 'application/json', headers: Record<string, string> = {}): FaultDecision {
  return {delayMs, holes: [], partialDay: false, restated: [], fail: {status, body, contentType, headers}};
}

function mbError(code: string, message: string): string {
  return JSON.stringify({code, message});
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `mms simulate --fault <spec>`: `down[:N]`, `down-after:N`, `fail-pair:PAIR`, `cloudflare[:N]`, `rate-limit[:N[:SECONDS]]`,
 * `slow:MS[:N]`, `hole:PAIR:DAY[..DAY]`, `malformed-json[:N]`, `unequal-columns[:N]`, `partial-day`, `restate:PAIR:DAY`.
 */
export function parseFault(spec: string): Fault {
  const [type, ...args] = spec.split(':');
  const count = (value: string | undefined, what: string) => {
    if (value === undefined || value === '') return undefined;
    if (!/^\d+$/.test(value)) throw new Error(`fault "${spec}": ${what} must be a whole number, got "${value}"`);
    return Number(value);
  };
  switch (type) {
    case 'down':
      return {type, requests: count(args[0], 'the request count')};
    case 'down-after': {
      const after = count(args[0], 'the request count');
      if (after === undefined) throw new Error(`fault "${spec}": give the number of requests served first, e.g. down-after:3`);
      return {type: 'down', after};
    }
    case 'fail-pair':
      if (!args[0]) throw new Error(`fault "${spec}": name the pair, e.g. fail-pair:BRLETH`);
      return {type, pair: args[0]};
    case 'cloudflare':
    case 'malformed-json':
    case 'unequal-columns':
      return {type, requests: count(args[0], 'the request count')};
    case 'rate-limit':
      return {type, requests: count(args[0], 'the request count'), retryAfter: count(args[1], 'Retry-After')};
    case 'slow': {
      const delayMs = count(args[0], 'the delay in milliseconds');
      if (delayMs === undefined) throw new Error(`fault "${spec}": give the delay, e.g. slow:15000`);
      return {type, delayMs, requests: count(args[1], 'the request count')};
    }
    case 'hole': {
      const [pair, days] = args;
      const [first, last = first] = (days ?? '').split('..');
      if (!pair || !first || !DAY.test(first) || !DAY.test(last!)) throw new Error(`fault "${spec}": expected hole:PAIR:YYYY-MM-DD[..YYYY-MM-DD]`);
      return {type, pair, from: Date.parse(`${first}T00:00:00Z`) / 1000, to: Date.parse(`${last}T00:00:00Z`) / 1000};
    }
    case 'partial-day':
      return {type};
    case 'restate': {
      const [pair, day] = args;
      if (!pair || !day || !DAY.test(day)) throw new Error(`fault "${spec}": expected restate:PAIR:YYYY-MM-DD`);
      return {type, pair, at: Date.parse(`${day}T00:00:00Z`) / 1000};
    }
    default:
      throw new Error(
        `unknown fault "${spec}"; known: down, down-after, fail-pair, cloudflare, rate-limit, slow, hole, malformed-json, unequal-columns, partial-day, restate`,
      );
  }
}
