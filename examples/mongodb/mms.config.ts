import {defineConfig} from 'mms';

// The production job with MongoDB as the store: only `sink` differs from ../../mms.config.ts.
// The connection string comes from the environment, so no password sits in the repository.
export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: process.env.MMS_MB_BASE_URL ?? 'https://api.mercadobitcoin.net/api/v4'},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'mongodb', url: process.env.MMS_MONGODB_URL ?? 'mongodb://localhost:27017', database: 'mms', collection: 'mms'},
});
