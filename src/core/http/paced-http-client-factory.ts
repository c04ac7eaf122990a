import ky from 'ky';
import type {HttpClient, HttpClientFactory, HttpClientOptions} from '../contracts/http-client.js';
import {RequestPacer} from './request-pacer.js';

/**
 * ky with MB-friendly defaults: pacing per host (shared by every client this factory makes), exponential
 * backoff with full jitter on network errors, timeouts, 408/429/5xx, and `Retry-After` honoured on 429/503.
 */
export class PacedHttpClientFactory implements HttpClientFactory {
  private readonly pacer = new RequestPacer();

  create(options: HttpClientOptions): HttpClient {
    const pacer = this.pacer;
    const client = {requestCount: 0} as {requestCount: number; ky: HttpClient['ky']};
    client.ky = ky.create({
      timeout: options.timeoutMs,
      headers: options.userAgent ? {'user-agent': options.userAgent} : {},
      retry: {
        limit: options.retry.limit,
        methods: ['get'],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
        maxRetryAfter: options.retry.maxDelayMs,
        backoffLimit: options.retry.maxDelayMs,
        delay: (attempt) => options.retry.baseDelayMs * 2 ** (attempt - 1),
        jitter: true,
        retryOnTimeout: true,
      },
      // Resolved per call (not captured) so test interceptors that patch globalThis.fetch still apply.
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        await pacer.wait(url.host, options.minIntervalMs, init?.signal ?? undefined);
        client.requestCount++;
        return globalThis.fetch(input, init);
      },
    });
    return client;
  }
}
