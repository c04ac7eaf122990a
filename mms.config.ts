import {defineConfig} from 'mms';

// The production daily job: the real Mercado Bitcoin API into the SQLite file data/mms.db.
// `npm start` runs the same pipeline offline, against the bundled simulator (examples/offline/).
export default defineConfig({
  pairs: ['BRLBTC', 'BRLETH'],
  source: {use: 'mercado-bitcoin', api: 'v4', baseUrl: process.env.MMS_MB_BASE_URL ?? 'https://api.mercadobitcoin.net/api/v4'},
  transforms: [{use: 'sma', windows: [20, 50, 200]}],
  sink: {use: 'sqlite', path: 'data/mms.db'},
});
