import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client';
import type {Clock} from '../core/contracts/clock.js';
import {EMPTY_LEDGER, type LedgerState, type RunRecord, type StateStore} from '../core/contracts/state-store.js';
import type {SeriesCache} from './series-cache.js';

export interface ServeMetricsOptions {
  readonly pairs: readonly string[];
  /** The bar length in seconds: a bar's data is as old as the time since it closed. */
  readonly step: number;
  readonly resolution: string;
  readonly cache: Pick<SeriesCache, 'health'>;
  /** The store's ledger and run history, read at each scrape. */
  readonly state: StateStore;
  readonly clock: Clock;
}

/**
 * The Prometheus metrics of `mms serve` (prom-client, a registry of its own): the freshness of each pair,
 * the ledger, the last run, and the HTTP requests by route and status with a latency histogram — plus
 * Node's process metrics. The store's figures are read when scraped, never on the request path.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route'>;
  /** The ledger and the newest runs, read once per scrape for every gauge that needs them. */
  private stored: {ledger: LedgerState; runs: readonly RunRecord[]} = {ledger: EMPTY_LEDGER, runs: []};

  constructor(private readonly options: ServeMetricsOptions) {
    const {registry} = this;
    const {pairs, step, resolution, cache, clock} = options;
    const stored = () => this.stored;
    collectDefaultMetrics({register: registry, prefix: 'mms_'});
    this.requests = new Counter({
      name: 'mms_http_requests_total',
      help: 'HTTP requests answered, by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'mms_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route.',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    new Gauge({
      name: 'mms_newest_bar_timestamp_seconds',
      help: `Open time of the newest stored ${resolution} bar of each pair (Unix seconds), as of the last reload.`,
      labelNames: ['pair'],
      registers: [registry],
      collect() {
        const {latest} = cache.health();
        for (const pair of pairs) {
          const newest = latest.get(pair);
          if (newest !== undefined) this.set({pair}, newest);
        }
      },
    });
    new Gauge({
      name: 'mms_newest_bar_age_seconds',
      help: 'Seconds since the newest stored bar of each pair closed: a daily store is fresh below 2 days (172800).',
      labelNames: ['pair'],
      registers: [registry],
      collect() {
        const {latest} = cache.health();
        const now = clock.now() / 1000;
        for (const pair of pairs) {
          const newest = latest.get(pair);
          if (newest !== undefined) this.set({pair}, Math.max(0, now - (newest + step)));
        }
      },
    });
    new Gauge({
      name: 'mms_store_reachable',
      help: '1 when the last reload from the store succeeded, else 0.',
      registers: [registry],
      collect() {
        this.set(cache.health().reachable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mms_pending_windows',
      help: 'Windows queued for `mms retry`, per pair.',
      labelNames: ['pair'],
      registers: [registry],
      collect() {
        const {ledger} = stored();
        for (const pair of pairs) this.set({pair}, ledger.failures.filter((f) => f.pair === pair && f.status === 'pending').length);
      },
    });
    new Gauge({
      name: 'mms_source_hole_bars',
      help: 'Bars the source has no candle for (recorded holes), per pair.',
      labelNames: ['pair'],
      registers: [registry],
      collect() {
        const {ledger} = stored();
        for (const pair of pairs)
          this.set(
            {pair},
            ledger.holes.filter((h) => h.pair === pair).reduce((n, h) => n + (h.to - h.from) / step + 1, 0),
          );
      },
    });
    new Gauge({
      name: 'mms_last_run_end_timestamp_seconds',
      help: 'When the newest finished run that writes the store ended (Unix seconds), by command and outcome.',
      labelNames: ['command', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        const last = stored().runs.find((run) => run.endedAt !== undefined);
        if (last) this.set({command: last.command, outcome: last.outcome ?? 'unknown'}, Date.parse(last.endedAt!) / 1000);
      },
    });
  }

  /** The exposition text: the store's ledger and run history read once, then every metric. */
  async scrape(): Promise<string> {
    const {state} = this.options;
    this.stored = {ledger: await state.load(), runs: (await state.runs?.(50)) ?? []};
    return this.registry.metrics();
  }

  /** Counts one answered request. */
  observe(route: string, method: string, status: number, seconds: number): void {
    this.requests.inc({route, method, status: String(status)});
    this.duration.observe({route}, seconds);
  }
}
