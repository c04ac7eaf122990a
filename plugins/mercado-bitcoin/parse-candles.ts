import {type Candle, type ExactDecimals, formatUtc, heldExactly} from '../../src/index.js';

/** The body is not a valid candle response; the message says exactly what is wrong with it. */
export class CandleFormatError extends Error {
  override readonly name = 'CandleFormatError';

  /** The body is an HTML page (a Cloudflare challenge or an error page), not a malformed API answer. */
  constructor(
    message: string,
    readonly html = false,
  ) {
    super(message);
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const V4_COLUMNS = ['t', 'o', 'h', 'l', 'c', 'v'] as const;

/** A run of digits (a point among them) long enough to hold more significant digits than a float64 keeps. */
const LONG_NUMBER = /\d[\d.]{15}/;

/**
 * JSON text → value; an HTML page (Cloudflare) or broken JSON becomes a CandleFormatError. With
 * `exactNumbers`, a JSON number a float64 cannot hold exactly is returned as its source text instead (as
 * the v4 API sends every price), so that no digit the exchange sent is lost.
 */
export function parseJsonBody(text: string, options: {exactNumbers?: boolean} = {}): unknown {
  if (/^\s*</.test(text)) throw new CandleFormatError('the body is an HTML page, not JSON (a Cloudflare block or an error page)', true);
  try {
    // Reading each number's source text is slower: only when some number may need it.
    if (options.exactNumbers && LONG_NUMBER.test(text)) return JSON.parse(text, exactNumber as Parameters<typeof JSON.parse>[1]);
    return JSON.parse(text);
  } catch (error) {
    throw new CandleFormatError(`the body is not valid JSON (${(error as Error).message})`);
  }
}

/** A JSON.parse reviver (with the source text Node passes it): numbers a float64 does not hold, as text. */
function exactNumber(_key: string, value: unknown, context?: {source?: string}): unknown {
  const source = context?.source;
  return typeof value === 'number' && source !== undefined && !heldExactly(source, value) ? source : value;
}

/** API v4 column arrays `{t:[...], o:["..."], ...}` → candles, strictly validated. */
export function parseV4Candles(body: unknown, step: number): Candle[] {
  if (!isObject(body)) throw new CandleFormatError(`expected an object with ${V4_COLUMNS.join(', ')} arrays, got ${describe(body)}`);
  for (const key of V4_COLUMNS) {
    if (!Array.isArray(body[key])) throw new CandleFormatError(`"${key}" must be an array, got ${describe(body[key])}`);
  }
  const columns = body as Record<(typeof V4_COLUMNS)[number], unknown[]>;
  const length = columns.t.length;
  for (const key of V4_COLUMNS) {
    if (columns[key].length !== length) {
      throw new CandleFormatError(`column arrays have unequal lengths (t: ${length}, ${key}: ${columns[key].length})`);
    }
  }
  const candles: Candle[] = [];
  for (let i = 0; i < length; i++) {
    const values = {open: columns.o[i], high: columns.h[i], low: columns.l[i], close: columns.c[i], volume: columns.v[i]};
    candles.push(candleAt(timestampAt(columns.t[i], V4_LABEL, i, 't', step), values, V4_LABEL, i, V4_NAMES));
  }
  return sortUnique(candles);
}

/** Legacy `{status_code:100, candles:[{timestamp, open, ...}]}` → candles, strictly validated. */
export function parseLegacyCandles(body: unknown, step: number): Candle[] {
  if (!isObject(body)) throw new CandleFormatError(`expected an object with a "candles" array, got ${describe(body)}`);
  if (body.status_code !== 100) {
    throw new CandleFormatError(`status_code ${String(body.status_code)} (${String(body.status_message ?? 'no message')})`);
  }
  if (!Array.isArray(body.candles)) throw new CandleFormatError(`"candles" must be an array, got ${describe(body.candles)}`);
  const candles = body.candles.map((raw: unknown, i: number) => {
    if (!isObject(raw)) throw new CandleFormatError(`candles[${i}] must be an object, got ${describe(raw)}`);
    return candleAt(timestampAt(raw.timestamp, LEGACY_LABEL, i, 'timestamp', step), raw, LEGACY_LABEL, i, LEGACY_NAMES);
  });
  return sortUnique(candles);
}

/**
 * Where a value sits in the body, for error messages only: built when a message is, not for every value
 * (a year of minute bars parses millions of them).
 */
type Label = (i: number, field?: string) => string;
const V4_LABEL: Label = (i, field) => (field === undefined ? `bar ${i}` : `${field}[${i}]`);
const LEGACY_LABEL: Label = (i, field) => (field === undefined ? `candles[${i}]` : `candles[${i}].${field}`);

type Value = keyof ExactDecimals;
const VALUES: readonly Value[] = ['open', 'high', 'low', 'close', 'volume'];
/** How each API names a candle's values, for messages. */
const V4_NAMES: Readonly<Record<Value, string>> = {open: 'o', high: 'h', low: 'l', close: 'c', volume: 'v'};
const LEGACY_NAMES: Readonly<Record<Value, string>> = {open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume'};

/** One validated candle; a value a float64 does not hold exactly keeps its text in `exact`. */
function candleAt(timestamp: number, raw: Readonly<Record<string, unknown>>, label: Label, i: number, names: Readonly<Record<Value, string>>): Candle {
  const candle: {-readonly [K in keyof Candle]: Candle[K]} = {timestamp, open: 0, high: 0, low: 0, close: 0, volume: 0};
  let exact: Partial<Record<Value, string>> | undefined;
  for (const key of VALUES) {
    const value = raw[key];
    const parsed = decimalAt(value, label, i, names[key]);
    candle[key] = parsed;
    if (typeof value === 'string' && !heldExactly(value, parsed)) {
      exact ??= {};
      exact[key] = value.trim();
    }
  }
  if (exact) candle.exact = exact;
  return checkCandle(candle, label, i);
}

function timestampAt(value: unknown, label: Label, i: number, field: string, step: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CandleFormatError(`${label(i, field)}: expected integer Unix seconds, got ${describe(value)}`);
  }
  if (value > 1e11) throw new CandleFormatError(`${label(i, field)}: ${value} looks like milliseconds, expected Unix seconds`);
  if (value % step !== 0) {
    throw new CandleFormatError(`${label(i, field)}: ${value} (${new Date(value * 1000).toISOString()}) is not aligned to the ${step}s resolution`);
  }
  return value;
}

/** Decimal strings go through Number(), which rounds correctly to the nearest float64: no other loss. */
function decimalAt(value: unknown, label: Label, i: number, field: string): number {
  let parsed: number;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string' && DECIMAL.test(value.trim())) parsed = Number(value);
  else throw new CandleFormatError(`${label(i, field)}: expected a decimal number, got ${describe(value)}`);
  if (!Number.isFinite(parsed)) throw new CandleFormatError(`${label(i, field)}: expected a finite number, got ${describe(value)}`);
  return parsed;
}

function checkCandle(candle: Candle, label: Label, i: number): Candle {
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    if (candle[key] <= 0) {
      throw new CandleFormatError(`${label(i)} (${formatUtc(candle.timestamp)}): ${key} must be positive, got ${candle.exact?.[key] ?? candle[key]}`);
    }
  }
  if (candle.volume < 0) throw new CandleFormatError(`${label(i)} (${formatUtc(candle.timestamp)}): volume must not be negative, got ${candle.volume}`);
  return candle;
}

/** Ascending by timestamp; exact repeats collapse, two different bars for one timestamp are an error. */
function sortUnique(candles: Candle[]): Candle[] {
  candles.sort((a, b) => a.timestamp - b.timestamp);
  const unique: Candle[] = [];
  for (const candle of candles) {
    const previous = unique.at(-1);
    if (previous?.timestamp === candle.timestamp) {
      if (!sameCandle(previous, candle)) {
        throw new CandleFormatError(`two different candles for ${formatUtc(candle.timestamp)} (closes ${previous.close} and ${candle.close})`);
      }
      continue;
    }
    unique.push(candle);
  }
  return unique;
}

function sameCandle(a: Candle, b: Candle): boolean {
  return VALUES.every((key) => a[key] === b[key] && a.exact?.[key] === b.exact?.[key]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
