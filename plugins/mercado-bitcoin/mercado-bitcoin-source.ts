import {HTTPError, TimeoutError} from 'ky';
import {
  type Candle,
  type CandlePage,
  type CandleQuery,
  type Clock,
  formatUtc,
  type HttpClient,
  type Logger,
  redactUrl,
  resolutionSeconds,
  type Source,
  SourceError,
  type SourceErrorKind,
  type SourcePlan,
  type TimeRange,
} from '../../src/index.js';
import {chunkWindow} from './chunk-window.js';
import type {MercadoBitcoinConfig} from './config-schema.js';
import {CandleFormatError, parseJsonBody, parseLegacyCandles, parseV4Candles} from './parse-candles.js';
import {pairSymbol} from './pair-symbol.js';

const BLOCKED = 'an HTML page instead of the API (a Cloudflare block?)';

export interface MercadoBitcoinSourceOptions {
  readonly config: MercadoBitcoinConfig;
  readonly baseUrl: string;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class MercadoBitcoinSource implements Source {
  readonly name = 'mercado-bitcoin';

  constructor(private readonly options: MercadoBitcoinSourceOptions) {}

  plan(query: CandleQuery): SourcePlan {
    return {requests: this.chunks(query).length};
  }

  async *candles(query: CandleQuery): AsyncIterable<CandlePage> {
    for (const chunk of this.chunks(query)) {
      const before = this.options.http.requestCount;
      const candles = await this.fetchChunk(query, chunk);
      yield {candles, requests: this.options.http.requestCount - before};
    }
  }

  private chunks(query: CandleQuery): TimeRange[] {
    return chunkWindow(query, resolutionSeconds(query.resolution), this.options.config.chunkSize);
  }

  private async fetchChunk(query: CandleQuery, chunk: TimeRange): Promise<Candle[]> {
    const {config, http, clock, logger} = this.options;
    const step = resolutionSeconds(query.resolution);
    const url = this.requestUrl(query, chunk);
    const before = http.requestCount;
    // No page is yielded for a failed window, so the error carries its attempts (retries and a final
    // invalid answer included) to the pair's count.
    const fail = (kind: SourceErrorKind, reason: string, extra: {status?: number; cause?: unknown} = {}) =>
      new SourceError(`${query.pair} ${formatUtc(chunk.from)}..${formatUtc(chunk.to)}: ${reason} (GET ${redactUrl(url)})`, {
        kind,
        reason: `${reason} (GET ${redactUrl(url)})`,
        pair: query.pair,
        from: chunk.from,
        to: chunk.to,
        requests: http.requestCount - before,
        ...extra,
      });

    let text: string;
    try {
      text = await http.ky.get(url, {signal: query.signal}).text();
    } catch (error) {
      throw this.describeFailure(error, http.requestCount - before, fail);
    }

    let candles: Candle[];
    try {
      const body = parseJsonBody(text, {exactNumbers: config.api !== 'v4'});
      candles = config.api === 'v4' ? parseV4Candles(body, step) : parseLegacyCandles(body, step);
    } catch (error) {
      if (!(error instanceof CandleFormatError)) throw error;
      if (error.html) throw fail('blocked', `${BLOCKED}. Slow down (minIntervalMs), set a userAgent, or retry later`, {cause: error});
      throw fail('invalid-response', `invalid response: ${error.message}`, {cause: error});
    }

    // MB also returns the bucket that is still running (its close keeps changing): never let it through.
    const closedBefore = Math.floor(clock.now() / 1000);
    const complete = candles.filter((c) => c.timestamp >= chunk.from && c.timestamp <= chunk.to && c.timestamp + step <= closedBefore);
    if (complete.length < candles.length) {
      logger.debug(
        `${query.pair}: dropped ${candles.length - complete.length} bar(s) outside ${formatUtc(chunk.from)}..${formatUtc(chunk.to)} or still running`,
      );
    }
    return complete;
  }

  private requestUrl(query: CandleQuery, chunk: TimeRange): URL {
    const {config, baseUrl} = this.options;
    const base = baseUrl.replace(/\/+$/, '');
    if (config.api === 'legacy') {
      const url = new URL(`${base}/${encodeURIComponent(query.pair)}/candle`);
      url.search = new URLSearchParams({from: String(chunk.from), to: String(chunk.to), precision: query.resolution}).toString();
      return url;
    }
    const url = new URL(`${base}/candles`);
    url.search = new URLSearchParams({
      symbol: pairSymbol(query.pair) ?? query.pair,
      resolution: query.resolution,
      from: String(chunk.from),
      to: String(chunk.to),
    }).toString();
    return url;
  }

  private describeFailure(
    error: unknown,
    attempts: number,
    fail: (kind: SourceErrorKind, reason: string, extra?: {status?: number; cause?: unknown}) => SourceError,
  ): SourceError {
    if (error instanceof HTTPError) {
      const status = error.response.status;
      const data = error.data;
      const transient = [408, 429].includes(status) || status >= 500;
      if (typeof data === 'string' && /^\s*</.test(data) && !transient) {
        return fail('blocked', `HTTP ${status}: ${BLOCKED}. Slow down (minIntervalMs), set a userAgent, or retry later`, {status, cause: error});
      }
      const detail = apiErrorDetail(data) ?? `HTTP ${status}`;
      if (transient) {
        return fail('transient', `${detail} after ${attempts} attempt(s); the API may be down, retry later`, {status, cause: error});
      }
      const hint = /SYMBOL_IS_INVALID/.test(detail) ? '; check "pairs" in the config (e.g. BRLBTC)' : '';
      return fail('permanent', `${detail}${hint}`, {status, cause: error});
    }
    if (error instanceof TimeoutError) {
      return fail('transient', `no response within ${this.options.config.timeoutMs} ms after ${attempts} attempt(s)`, {cause: error});
    }
    if (error instanceof Error && error.name === 'AbortError') return fail('transient', 'interrupted', {cause: error});
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    if (attempts === 0) return fail('permanent', `the request could not be made (${reason}); check source.baseUrl`, {cause: error});
    return fail('transient', `network error (${reason}) after ${attempts} attempt(s)`, {cause: error});
  }
}

/** MB's error bodies: v4 `{code, message}`, legacy `{status_code, status_message}`. */
function apiErrorDetail(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const body = data as {code?: unknown; message?: unknown; status_code?: unknown; status_message?: unknown};
  if (body.code) return `${String(body.code)}: ${String(body.message ?? '')}`;
  if (body.status_message) return `${String(body.status_code ?? '')} ${String(body.status_message)}`.trim();
  return undefined;
}
