import {Flags} from '@oclif/core';
import {buildApp} from '../api/build-app.js';
import {RequestLog} from '../api/request-log.js';
import {loadPageAssets} from '../api/routes/page-route.js';
import {mmsWindows, servedFields} from '../api/served-field.js';
import {SeriesCache} from '../api/series-cache.js';
import {ServeMetrics} from '../api/serve-metrics.js';
import type {StateStore} from '../core/contracts/state-store.js';
import {MmsCommand} from '../cli/mms-command.js';
import {openInBrowser} from '../cli/open-in-browser.js';
import {preferSmallHeap} from '../cli/prefer-small-heap.js';
import type {Clock} from '../core/contracts/clock.js';
import type {Logger} from '../core/contracts/logger.js';
import {resolutionSeconds} from '../core/contracts/resolution.js';
import type {Sink} from '../core/contracts/sink.js';
import type {Transform} from '../core/contracts/transform.js';
import {UsageError} from '../core/errors/usage-error.js';
import {parseLogLevel} from '../logger/stderr-logger.js';
import {TOKENS} from '../core/tokens.js';

const DAY_SECONDS = 86_400;

export default class Serve extends MmsCommand<undefined> {
  static override summary = 'Serve the moving averages over HTTP (GET /{pair}/mms, /{pair}/records, /pairs, /health, /openapi.json) and a chart page at /.';
  static override description =
    'Answers from memory (the last year of each pair, reloaded from the store every --refresh seconds), so any number of servers can sit in front of one database. Stops gracefully on SIGTERM/SIGINT. Request logs (one JSON line per request, with its id) go to stderr.';
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --open',
    '<%= config.bin %> serve --host 0.0.0.0 --port 8080',
    'curl "http://127.0.0.1:8080/BRLBTC/mms?from=1619481600&range=20"',
  ];
  static override flags = {
    host: Flags.string({summary: 'Interface to listen on (loopback by default).', default: '127.0.0.1'}),
    port: Flags.integer({summary: 'Port (0 picks a free one).', default: 8080, min: 0, max: 65_535}),
    refresh: Flags.integer({summary: 'Seconds between two reloads from the store.', default: 10, min: 1, max: 86_400}),
    open: Flags.boolean({summary: 'Open the chart page in the default browser (only when run in a terminal).', default: false}),
  };

  async run(): Promise<undefined> {
    const {flags} = await this.parse(Serve);
    // A broken installation (the page's files missing) is told at once, not after waiting on the store.
    const pageAssets = await loadPageAssets();
    const {container, config} = await this.openContainer(flags.config);
    const sink = await container.getAsync<Sink>(TOKENS.Sink);
    const transforms = await container.getAsync<Transform[]>(TOKENS.Transforms);
    const clock = container.get<Clock>(TOKENS.Clock);
    const fields = servedFields(transforms);
    const windows = mmsWindows(fields);
    const logger = container.get<Logger>(TOKENS.Logger);
    // An intraday store keeps many more bars, read in pages whose garbage V8's defaults let pile up to
    // hundreds of MB: there memory wins over the last ~15% of request throughput (docs: performance).
    const step = resolutionSeconds(config.resolution);
    if (step < DAY_SECONDS) preferSmallHeap();
    // Only what the API serves is kept in memory: the transforms' fields (and, with every row, the close).
    const cache = new SeriesCache(
      sink,
      config.pairs,
      fields.map((f) => f.name),
      clock,
      logger,
      {step},
    );
    await cache.start(flags.refresh * 1000);
    if (this.signal.aborted) {
      // Stopped while the first load was still waiting on the store: never start listening.
      cache.stop();
      return undefined;
    }
    const level = parseLogLevel(process.env.MMS_LOG_LEVEL);
    const log = level === 'silent' ? undefined : new RequestLog({level});
    const state = await container.getAsync<StateStore>(TOKENS.StateStore);
    const metrics = new ServeMetrics({pairs: config.pairs, step, resolution: config.resolution, cache, state, clock});
    const app = await buildApp({pairs: config.pairs, fields, cache, clock, page: pageAssets, version: this.config.version, log, metrics});
    let url: string;
    try {
      url = await app.listen({host: flags.host, port: flags.port});
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UsageError(`--port ${flags.port}: already in use on ${flags.host}; pick another port, or --port 0 for a free one.`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host ${flags.host}: not an address of this machine.`);
      throw error;
    }
    // A wildcard address is where the server listens, not where a browser can reach it.
    const page = `${url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:')}/`;
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify({url, page, pairs: config.pairs, windows, fields: fields.map((f) => f.name)})}\n`);
    this.log(
      `mms serve on ${url}  (GET /{pair}/mms?from=&to=&range=, /{pair}/records?from=&to=, /pairs, /health, /openapi.json; pairs ${config.pairs.join(', ')}; windows ${windows.join(', ')})`,
    );
    this.log(`chart page: ${page}`);
    if (flags.open) openInBrowser(page, {logger});
    await new Promise((resolve) => this.signal.addEventListener('abort', resolve, {once: true}));
    // Graceful: stop accepting, let requests in flight finish, then close the store.
    await app.close();
    cache.stop();
    // A request log write stalled on a reader that stopped reading would keep the process alive for good:
    // once the store is closed (after this returns), nothing is left to lose.
    if (log && !(await log.close())) setTimeout(() => process.exit(), 1000).unref();
    return undefined;
  }
}
