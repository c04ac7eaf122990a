import {type Candle, formatUtc} from '../../src/index.js';

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

/** JSON text → value; an HTML page (Cloudflare) or broken JSON becomes a CandleFormatError. */
export function parseJsonBody(text: string): unknown {
  if (/^\s*</.test(text)) throw new CandleFormatError('the body is an HTML page, not JSON (a Cloudflare block or an error page)', true);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CandleFormatError(`the body is not valid JSON (${(error as Error).message})`);
  }
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
    candles.push(
      checkCandle(
        {
          timestamp: timestampAt(columns.t[i], V4_LABEL, i, 't', step),
          open: decimalAt(columns.o[i], V4_LABEL, i, 'o'),
          high: decimalAt(columns.h[i], V4_LABEL, i, 'h'),
          low: decimalAt(columns.l[i], V4_LABEL, i, 'l'),
          close: decimalAt(columns.c[i], V4_LABEL, i, 'c'),
          volume: decimalAt(columns.v[i], V4_LABEL, i, 'v'),
        },
        V4_LABEL,
        i,
      ),
    );
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
    return checkCandle(
      {
        timestamp: timestampAt(raw.timestamp, LEGACY_LABEL, i, 'timestamp', step),
        open: decimalAt(raw.open, LEGACY_LABEL, i, 'open'),
        high: decimalAt(raw.high, LEGACY_LABEL, i, 'high'),
        low: decimalAt(raw.low, LEGACY_LABEL, i, 'low'),
        close: decimalAt(raw.close, LEGACY_LABEL, i, 'close'),
        volume: decimalAt(raw.volume, LEGACY_LABEL, i, 'volume'),
      },
      LEGACY_LABEL,
      i,
    );
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
    if (candle[key] <= 0) throw new CandleFormatError(`${label(i)} (${formatUtc(candle.timestamp)}): ${key} must be positive, got ${candle[key]}`);
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
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
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
