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
    const pace = async ({request}: {request: Request}) => {
      await pacer.wait(new URL(request.url).host, options.minIntervalMs, request.signal);
    };
    const client = {requestCount: 0} as {requestCount: number; ky: HttpClient['ky']};
    client.ky = ky.create({
      timeout: options.timeoutMs,
      headers: options.userAgent ? {'user-agent': options.userAgent} : {},
      retry: {
        limit: options.retry.limit,
        methods: [...(options.retryMethods ?? ['get'])],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
        maxRetryAfter: options.retry.maxDelayMs,
        backoffLimit: options.retry.maxDelayMs,
        delay: (attempt) => options.retry.baseDelayMs * 2 ** (attempt - 1),
        jitter: true,
        retryOnTimeout: true,
      },
      // Pacing runs in hooks, before each attempt, so the wait for a slot never eats into the attempt's
      // timeout; an abort interrupts the wait.
      hooks: {beforeRequest: [pace], beforeRetry: [pace]},
      // Resolved per call (not captured) so test interceptors that patch globalThis.fetch still apply.
      fetch: async (input, init) => {
        client.requestCount++;
        return globalThis.fetch(input, init);
      },
    });
    return client;
  }
}
