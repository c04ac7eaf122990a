import type {KyInstance} from 'ky';

export interface HttpClientOptions {
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** Minimum spacing between two requests to the same host, retries included. */
  readonly minIntervalMs: number;
  readonly retry: {
    /** Retries after the first attempt. */
    readonly limit: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
  };
  readonly userAgent?: string;
  /** Methods retried on a transient failure; GET only by default (safe to repeat). */
  readonly retryMethods?: ReadonlyArray<'get' | 'post' | 'put'>;
}

export interface HttpClient {
  readonly ky: KyInstance;
  /** Requests sent so far, retries included. */
  readonly requestCount: number;
}

/** Builds a paced, retrying HTTP client; sources share one pacer per host through it. */
export interface HttpClientFactory {
  create(options: HttpClientOptions): HttpClient;
}
