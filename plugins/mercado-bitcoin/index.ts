import {ConfigError, definePlugin} from '../../src/index.js';
import {DEFAULT_BASE_URLS, mercadoBitcoinConfigSchema} from './config-schema.js';
import {MercadoBitcoinSource} from './mercado-bitcoin-source.js';
import {pairSymbol} from './pair-symbol.js';

export default definePlugin({
  name: 'mercado-bitcoin',
  kind: 'source',
  description: 'Daily (or intraday) candles from the Mercado Bitcoin API, v4 or legacy',
  configSchema: mercadoBitcoinConfigSchema,
  create({config, pairs, clock, logger, http}) {
    pairs.forEach((pair, i) => {
      if (!pairSymbol(pair)) {
        throw new ConfigError(`pairs[${i}]: Mercado Bitcoin pairs are "BRL" + the asset, e.g. BRLBTC or BRLETH; got "${pair}"`);
      }
    });
    return new MercadoBitcoinSource({
      config,
      baseUrl: config.baseUrl ?? DEFAULT_BASE_URLS[config.api],
      clock,
      logger,
      http: http.create({
        timeoutMs: config.timeoutMs,
        minIntervalMs: config.minIntervalMs,
        retry: config.retry,
        userAgent: config.userAgent,
      }),
    });
  },
});
