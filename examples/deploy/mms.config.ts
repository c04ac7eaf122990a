import {defineConfig} from 'mms';

// The image's config (/app/mms.config.ts): the production job with MongoDB as the store. The connection
// string comes from the environment (compose, a Kubernetes Secret). A container has no MongoDB of its own
// to fall back on, so a missing one stops every command at once (exit 2) rather than after a connect timeout.
const url = process.env.MMS_MONGODB_URL;
if (!url) throw new Error('MMS_MONGODB_URL is not set: pass the MongoDB connection string in the environment');

export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: process.env.MMS_MB_BASE_URL ?? 'https://api.mercadobitcoin.net/api/v4'},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'mongodb', url, database: 'mms', collection: 'mms'},
});
